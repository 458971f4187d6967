import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineCommand } from "citty";
import { z } from "zod";
import { type Issue, WinnowError } from "../../core/errors.ts";
import { ELEMENT_INFO } from "../../core/qualification/elements.ts";
import {
  mergeSuggestions,
  type PreviousNote,
  readSignals,
  type SignalsResult,
  suggestEvidence,
  type TextSpan,
} from "../../core/signals/index.ts";
import { openAiCompatibleProvider } from "../../signals-llm/openai-provider.ts";
import { eprintln, io, printJson, println } from "../io.ts";

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");

/** Today's date (UTC) at the edge; core never reads a clock. */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function readText(file: string): string {
  try {
    // fd 0 is stdin: `winnow signals - < note.txt`
    return file === "-" ? readFileSync(0, "utf8") : readFileSync(resolve(io().cwd, file), "utf8");
  } catch (cause) {
    throw new WinnowError("WINNOW_ERR_FILE_NOT_FOUND", { message: `Cannot read ${file}`, cause });
  }
}

function checkDate(value: string, path: string): string {
  const r = Day.safeParse(value);
  if (
    r.success &&
    !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
    new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)
  )
    return value;
  const issues: Issue[] = [{ path, message: `"${value}" is not a date: expected YYYY-MM-DD` }];
  throw new WinnowError("WINNOW_ERR_SIGNALS_INVALID_DATE", {
    message: `${path} must be a YYYY-MM-DD date`,
    issues,
  });
}

/** `--previous call1.txt@2026-04-10,call2.txt@2026-05-02`: earlier notes with their dates. */
function readPrevious(spec: string | undefined): PreviousNote[] {
  if (!spec) return [];
  return spec
    .split(",")
    .filter((s) => s.trim().length > 0)
    .map((entry, i) => {
      const at = entry.lastIndexOf("@");
      if (at <= 0)
        throw new WinnowError("WINNOW_ERR_USAGE", {
          message: "--previous takes FILE@YYYY-MM-DD entries, separated by commas",
          issues: [{ path: `--previous[${i}]`, message: `"${entry}" has no @date` }],
        });
      const date = checkDate(entry.slice(at + 1).trim(), `--previous[${i}]`);
      return { text: readText(entry.slice(0, at).trim()), date };
    });
}

/** 1-based line and column of an offset, so a rep can find the quote in the file. */
function where(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return `${line}:${offset - before.lastIndexOf("\n")}`;
}

function quote(text: string, span: TextSpan): string {
  const q = span.text.replace(/\s+/g, " ");
  return `${where(text, span.start)} "${q.length > 70 ? `${q.slice(0, 69)}…` : q}"`;
}

function printHuman(file: string, text: string, r: SignalsResult): void {
  println(`${file} — read as of ${r.date} (${r.lang})`);
  println();
  println(`Evidence (${r.evidence.length})`);
  if (r.evidence.length === 0) println("  none found");
  for (const e of r.evidence) {
    const mark = e.polarity === "negative" ? " [against]" : "";
    const q = e.qualifier ? ` (${e.qualifier})` : "";
    const tag = e.suggested ? " [suggested]" : "";
    println(`  ${ELEMENT_INFO[e.element].name}${mark}${tag}: ${e.summary}${q}`);
    println(`      ${quote(text, e.span)}  rule ${e.rule}`);
  }
  for (const [title, items] of [
    ["Good signs", r.goodSigns],
    ["Red flags", r.redFlags],
  ] as const) {
    println();
    println(`${title} (${items.length})`);
    if (items.length === 0) println("  none found");
    for (const s of items) {
      println(`  ${s.signal.replace(/_/g, " ")}${s.suggested ? " [suggested]" : ""}: ${s.summary}`);
      println(`      ${quote(text, s.span)}  rule ${s.rule}`);
      for (const e of s.earlier ?? [])
        println(`      earlier note ${e.note + 1} (${e.date}): "${e.span.text}"`);
    }
  }
  println();
  println("Questions to ask next");
  r.questions.forEach((q, i) => {
    println(`  ${i + 1}. ${q.text}`);
    println(`      because ${q.because}`);
  });
}

/** Adds a language model's suggestions, configured by environment variables. */
async function withProvider(text: string, base: SignalsResult): Promise<SignalsResult> {
  const env = io().env;
  const baseUrl = env["WINNOW_LLM_BASE_URL"];
  const model = env["WINNOW_LLM_MODEL"];
  if (!baseUrl || !model)
    throw new WinnowError("WINNOW_ERR_USAGE", {
      message: "--llm needs WINNOW_LLM_BASE_URL and WINNOW_LLM_MODEL in the environment",
      issues: [
        ...(baseUrl ? [] : [{ path: "WINNOW_LLM_BASE_URL", message: "not set" }]),
        ...(model ? [] : [{ path: "WINNOW_LLM_MODEL", message: "not set" }]),
      ],
    });
  const apiKey = env["WINNOW_LLM_API_KEY"];
  const provider = openAiCompatibleProvider({ baseUrl, model, ...(apiKey ? { apiKey } : {}) });
  const raw = await provider.suggest({ text, date: base.date, lang: base.lang, base });
  const { result, dropped } = mergeSuggestions(text, base, raw, provider.name);
  if (dropped.length > 0)
    eprintln(`winnow signals: dropped ${dropped.length} model suggestion(s) that did not check out`);
  return result;
}

/** `winnow signals <file.txt> [--date YYYY-MM-DD] [--json]`: read a note, transcript or lead text. */
export const command = defineCommand({
  meta: {
    name: "signals",
    description:
      "Read a discovery note, call transcript or lead text: evidence, good signs, red flags, next questions",
  },
  args: {
    file: { type: "positional", description: "Text file to read, or - for standard input", required: true },
    date: {
      type: "string",
      description: "The note's date, YYYY-MM-DD (relative dates resolve against it; default today)",
    },
    previous: {
      type: "string",
      description: "Earlier notes for consistency checks: FILE@YYYY-MM-DD[,FILE@YYYY-MM-DD...]",
    },
    lang: { type: "string", description: "Language pack (default en)", default: "en" },
    json: { type: "boolean", description: "Print the full result and evidence suggestions as JSON" },
    llm: {
      type: "boolean",
      description:
        "Also ask an OpenAI-compatible endpoint (WINNOW_LLM_BASE_URL, WINNOW_LLM_MODEL, WINNOW_LLM_API_KEY); its items are marked suggested",
    },
  },
  async run({ args }) {
    const date = args.date === undefined ? today() : checkDate(String(args.date), "--date");
    const file = String(args.file);
    const text = readText(file);
    const previous = readPrevious(args.previous === undefined ? undefined : String(args.previous));
    const lang = String(args.lang ?? "en");
    let result = readSignals(text, { date, lang, previous });
    if (args.llm) result = await withProvider(text, result);
    if (args.json) printJson({ file, ...result, suggestions: suggestEvidence(result) });
    else printHuman(file, text, result);
    return 0;
  },
});
