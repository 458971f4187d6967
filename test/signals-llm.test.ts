import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeSuggestions, readSignals } from "../src/core/signals/index.ts";
import { openAiCompatibleProvider } from "../src/signals-llm/openai-provider.ts";

// The optional provider against a real local HTTP server that speaks the chat-completions shape
// (no network, no model): the answer is merged as `suggested`, bad items are dropped.

const text = "We lose track of warranty claims. Our regional manager Ola is the one pushing for a fix.";
let server: Server;
let baseUrl = "";
let lastBody = "";
let answer: unknown = {};

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      lastBody = body;
      if (req.url !== "/v1/chat/completions") {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ choices: [{ message: { content: JSON.stringify(answer) } }] }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

describe("language-model provider", () => {
  it("merges suggestions that quote the text, marked suggested, and drops the rest", async () => {
    answer = {
      evidence: [
        { element: "champion", quote: "Ola is the one pushing for a fix", summary: "Ola champions it" },
        { element: "budget", quote: "a budget of a million", summary: "invented" },
        { element: "mood", quote: "We lose track" },
      ],
      redFlags: [{ signal: "vague", quote: "warranty claims" }],
      questions: [{ text: "How many claims go missing in a month?", element: "metrics" }],
    };
    const base = readSignals(text, { date: "2026-05-20" });
    const provider = openAiCompatibleProvider({ baseUrl, model: "test-model", apiKey: "k" });
    const raw = await provider.suggest({ text, date: base.date, lang: "en", base });
    const { result, dropped } = mergeSuggestions(text, base, raw, provider.name);
    const champion = result.evidence.find((e) => e.element === "champion");
    expect(champion).toMatchObject({
      suggested: true,
      rule: "llm:test-model",
      span: { text: "Ola is the one pushing for a fix" },
    });
    expect(text.slice(champion!.span.start, champion!.span.end)).toBe(champion!.span.text);
    expect(dropped.map((d) => d.reason)).toEqual(["quote not found in the text", 'unknown element "mood"']);
    expect(result.redFlags[0]).toMatchObject({ signal: "vague", suggested: true });
    expect(result.questions.at(-1)).toMatchObject({ suggested: true, element: "metrics" });
    expect(base.evidence.every((e) => !e.suggested)).toBe(true);
    expect(JSON.parse(lastBody)).toMatchObject({ model: "test-model", temperature: 0 });
  });

  it("keeps the rule result when the answer has the wrong shape", () => {
    const base = readSignals(text, { date: "2026-05-20" });
    const { result, dropped } = mergeSuggestions(text, base, { evidence: "lots" }, "x");
    expect(result).toEqual(base);
    expect(dropped[0]?.kind).toBe("answer");
  });

  it("reports a failing endpoint with WINNOW_ERR_SIGNALS_PROVIDER", async () => {
    const base = readSignals(text, { date: "2026-05-20" });
    const provider = openAiCompatibleProvider({ baseUrl: `${baseUrl}/wrong`, model: "m" });
    await expect(provider.suggest({ text, date: base.date, lang: "en", base })).rejects.toMatchObject({
      code: "WINNOW_ERR_SIGNALS_PROVIDER",
    });
  });
});
