import { WinnowError } from "../core/errors.ts";
import { ELEMENT_IDS } from "../core/qualification/elements.ts";
import {
  GOOD_SIGN_IDS,
  type ProviderInput,
  RED_FLAG_IDS,
  type SignalsProvider,
} from "../core/signals/index.ts";

/** Where and how to reach an OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, llama.cpp...). */
export type OpenAiProviderOptions = {
  /** Base URL up to `/v1`, e.g. `http://127.0.0.1:11434/v1`. */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string;
  readonly timeoutMs?: number;
  /** Injected for tests or custom agents; the global fetch by default. */
  readonly fetch?: typeof fetch;
};

function prompt(input: ProviderInput): string {
  const found = input.base.evidence.map((e) => `${e.element}: "${e.span.text}"`).join("\n") || "(nothing)";
  return [
    `You read sales discovery notes, call transcripts and inbound lead texts (language: ${input.lang}, note date: ${input.date}).`,
    "Find what rules may have missed. Quote the buyer's exact words; never invent a quote.",
    `Elements: ${ELEMENT_IDS.join(", ")}.`,
    `Good signs: ${GOOD_SIGN_IDS.join(", ")}. Red flags: ${RED_FLAG_IDS.join(", ")}.`,
    'Answer with JSON only: {"evidence":[{"element","quote","summary","polarity"}],"goodSigns":[{"signal","quote","summary"}],"redFlags":[{"signal","quote","summary"}],"questions":[{"text","element"}]}.',
    `Already found by rules:\n${found}`,
    `Text:\n${input.text}`,
  ].join("\n\n");
}

/**
 * A signals provider that asks an OpenAI-compatible endpoint for extra suggestions. Nothing in
 * Winnow uses it unless it is configured and asked for; answers go through `mergeSuggestions`.
 *
 * @example
 * const provider = openAiCompatibleProvider({ baseUrl: "http://127.0.0.1:11434/v1", model: "llama3.1" });
 */
export function openAiCompatibleProvider(options: OpenAiProviderOptions): SignalsProvider {
  const doFetch = options.fetch ?? fetch;
  return {
    name: options.model,
    async suggest(input) {
      const url = `${options.baseUrl.replace(/\/+$/, "")}/chat/completions`;
      let body: unknown;
      try {
        const res = await doFetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          },
          body: JSON.stringify({
            model: options.model,
            temperature: 0,
            response_format: { type: "json_object" },
            messages: [{ role: "user", content: prompt(input) }],
          }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
        if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
        body = await res.json();
      } catch (cause) {
        throw new WinnowError("WINNOW_ERR_SIGNALS_PROVIDER", {
          message: `The language-model provider at ${url} failed`,
          cause,
        });
      }
      const content = (body as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message
        ?.content;
      if (typeof content !== "string")
        throw new WinnowError("WINNOW_ERR_SIGNALS_PROVIDER", {
          message: "The provider's answer has no message content",
        });
      try {
        return JSON.parse(content.replace(/^```(?:json)?\s*|\s*```$/g, ""));
      } catch (cause) {
        throw new WinnowError("WINNOW_ERR_SIGNALS_PROVIDER", {
          message: "The provider's answer is not JSON",
          cause,
        });
      }
    },
  };
}
