import type { Api } from "./client.ts";

/** What the panel shows of a reading; every item quotes the words it came from. */
export type NoteSuggestion = {
  readonly element: string;
  readonly state: "claimed" | "failed";
  readonly quote: string;
  readonly rule: string;
  readonly summary: string;
  readonly qualifier: string | null;
  /** A date the buyer named (timeline), YYYY-MM-DD. */
  readonly date: string | null;
};
export type NoteSignal = { readonly rule: string; readonly quote: string; readonly summary: string };
export type NoteQuestion = { readonly text: string; readonly because: string };
export type NoteReading = {
  readonly suggestions: readonly NoteSuggestion[];
  readonly goodSigns: readonly NoteSignal[];
  readonly redFlags: readonly NoteSignal[];
  readonly questions: readonly NoteQuestion[];
};

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const quoteOf = (v: unknown): string => str(obj(v)["text"]) ?? "";

function toSuggestion(raw: unknown): NoteSuggestion {
  const s = obj(raw);
  const confirm = obj(s["confirm"]);
  return {
    element: String(s["element"] ?? ""),
    state: s["state"] === "failed" ? "failed" : "claimed",
    quote: str(s["quote"]) ?? quoteOf(s["span"]),
    rule: String(s["rule"] ?? ""),
    summary: String(s["summary"] ?? ""),
    qualifier: str(s["qualifier"]),
    date: str(confirm["date"]) ?? (s["element"] === "timeline" ? timelineDate(s["summary"]) : null),
  };
}

/** The stateless reading carries no `confirm`; a timeline summary names the ISO date it resolved. */
function timelineDate(summary: unknown): string | null {
  return /\b(\d{4}-\d{2}-\d{2})\b/.exec(str(summary) ?? "")?.[1] ?? null;
}

const toSignal = (raw: unknown): NoteSignal => {
  const s = obj(raw);
  return { rule: String(s["rule"] ?? ""), quote: quoteOf(s["span"]), summary: String(s["summary"] ?? "") };
};

function toReading(results: readonly unknown[], suggestions: unknown): NoteReading {
  const all = (key: string) => results.flatMap((r) => arr(obj(r)[key]));
  return {
    suggestions: arr(suggestions).map(toSuggestion),
    goodSigns: all("goodSigns").map(toSignal),
    redFlags: all("redFlags").map(toSignal),
    questions: all("questions").map((q) => ({
      text: String(obj(q)["text"] ?? ""),
      because: String(obj(q)["because"] ?? ""),
    })),
  };
}

/** `POST /v1/signals`: reads one note dated `date` (YYYY-MM-DD). */
export async function readNote(api: Api, text: string, date: string): Promise<NoteReading> {
  const out = await api.post<Json>("/v1/signals", { text, date });
  return toReading([out], out["suggestions"]);
}

/** `POST /v1/leads/:id/signals`: the lead's own notes and activity text, or `text` when given. */
export async function readLeadNotes(api: Api, leadId: string, text?: string): Promise<NoteReading> {
  const out = await api.post<Json>(
    `/v1/leads/${encodeURIComponent(leadId)}/signals`,
    text !== undefined ? { text } : {},
  );
  return toReading(
    arr(out["notes"]).map((n) => obj(n)["result"]),
    out["suggestions"],
  );
}
