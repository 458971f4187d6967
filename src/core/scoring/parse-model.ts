import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import type { Issue } from "../errors.ts";
import { err, ok, type Result } from "../result.ts";
import { type ScoringModel, scoringModelSchema } from "./model-schema.ts";

export type ModelFormat = "yaml" | "json";

/**
 * Parses and validates a scoring model document. Every problem comes back as an Issue with its
 * path (`engagement.rules.2.decay.days`) and, when the text is available, the 1-based line and
 * column it sits on (JSON is parsed by the YAML parser for positions, JSON being YAML 1.2).
 *
 * @example
 * const r = parseScoringModel("id: m\nname: M\nversion: 1\n", "yaml");
 * if (r.ok) compileModel(r.value);
 */
export function parseScoringModel(text: string, format: ModelFormat): Result<ScoringModel, Issue[]> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  let value: unknown;
  if (format === "json") {
    try {
      value = JSON.parse(text) as unknown;
    } catch (error) {
      const first = doc.errors[0];
      const pos = first ? lineCounter.linePos(first.pos[0]) : jsonErrorPosition(text, error);
      const reason = error instanceof Error ? error.message.split("\n")[0] : "invalid JSON";
      return err([{ path: "", message: `not valid JSON: ${reason}`, ...pos }]);
    }
  } else {
    if (doc.errors.length > 0) {
      return err(
        doc.errors.map((e) => {
          const { line, col } = lineCounter.linePos(e.pos[0]);
          return { path: "", message: e.message.split("\n")[0] ?? e.message, line, column: col };
        }),
      );
    }
    value = doc.toJS();
  }
  if (value === null || value === undefined)
    return err([{ path: "", message: "the document is empty", line: 1, column: 1 }]);
  const parsed = scoringModelSchema.safeParse(value);
  if (parsed.success) return ok(parsed.data);
  return err(issuesWithLines(parsed.error, doc, lineCounter));
}

/** Validates an already-parsed value (e.g. from an HTTP body); issues carry paths only. */
export function validateScoringModel(value: unknown): Result<ScoringModel, Issue[]> {
  const parsed = scoringModelSchema.safeParse(value);
  return parsed.success ? ok(parsed.data) : err(issuesWithLines(parsed.error, undefined, undefined));
}

function issuesWithLines(error: z.ZodError, doc: Document | undefined, lc: LineCounter | undefined): Issue[] {
  const out: Issue[] = [];
  for (const issue of error.issues) {
    const segments = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
    const paths = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...segments, k]) : [segments];
    for (const path of paths) {
      const message =
        issue.code === "unrecognized_keys"
          ? "unknown field"
          : issue.code === "invalid_type" && /received undefined$/.test(issue.message)
            ? `required (${issue.message.replace(/^Invalid input: /, "").replace(/, received undefined$/, "")})`
            : issue.message;
      const at = doc && lc ? locate(doc, path, lc) : undefined;
      out.push({ path: path.join("."), message, ...at });
    }
  }
  return out;
}

/** The line and column of the deepest node of `path` that exists in the document. */
function locate(
  doc: Document,
  path: readonly (string | number)[],
  lc: LineCounter,
): { line: number; column: number } | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
      if (!pair) break;
      // A key with no value (or an unknown key): point at the key itself.
      offset = rangeStart(pair.value) ?? rangeStart(pair.key) ?? offset;
      if (pair.value === null) {
        offset = rangeStart(pair.key) ?? offset;
        break;
      }
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else break;
  }
  if (offset === undefined) return undefined;
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function jsonErrorPosition(text: string, error: unknown): { line?: number; column?: number } {
  const m = /position (\d+)/.exec(error instanceof Error ? error.message : "");
  if (!m) return {};
  const at = Number(m[1]);
  let line = 1;
  let start = 0;
  for (let i = 0; i < at && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  return { line, column: at - start + 1 };
}
