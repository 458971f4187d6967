// Signals bench: precision and recall of readSignals on Winnow's own labelled notes
// (bench/data/signals-labelled.json), per element, good sign and red flag, at note level.
// Prints one JSON line per signal, an overall line and a throughput line; `--verbose` lists misses on stderr.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { readSignals, type SignalsResult } from "../src/core/signals/index.ts";

const Note = z.object({
  id: z.string(),
  date: z.string(),
  text: z.string().min(1),
  labels: z.array(z.string()),
  previous: z.array(z.object({ date: z.string(), text: z.string() })).optional(),
  note: z.string().optional(),
});
const LabelledSet = z.object({
  labels: z.object({
    elements: z.array(z.string()),
    goodSigns: z.array(z.string()),
    redFlags: z.array(z.string()),
  }),
  notes: z.array(Note).min(1),
});

const file = resolve(import.meta.dirname, "data/signals-labelled.json");
const data = LabelledSet.parse(JSON.parse(readFileSync(file, "utf8")));
const verbose = process.argv.includes("--verbose");

const groups: Record<string, string> = {};
for (const l of data.labels.elements) groups[l] = "element";
for (const l of data.labels.goodSigns) groups[l] = "good_sign";
for (const l of data.labels.redFlags) groups[l] = "red_flag";
const universe = Object.keys(groups);

function predicted(r: SignalsResult): Set<string> {
  const out = new Set<string>();
  for (const e of r.evidence) out.add(e.element);
  for (const g of r.goodSigns) out.add(g.signal);
  for (const f of r.redFlags) out.add(f.signal);
  return new Set([...out].filter((l) => l in groups));
}

const counts = new Map(universe.map((l) => [l, { tp: 0, fp: 0, fn: 0 }]));
const started = performance.now();
for (const note of data.notes) {
  const result = readSignals(note.text, {
    date: note.date,
    ...(note.previous ? { previous: note.previous } : {}),
  });
  const got = predicted(result);
  const want = new Set(note.labels);
  for (const l of universe) {
    const c = counts.get(l)!;
    if (got.has(l) && want.has(l)) c.tp++;
    else if (got.has(l)) {
      c.fp++;
      if (verbose) {
        const why = [
          ...result.evidence.filter((e) => e.element === l).map((e) => `${e.rule}:"${e.span.text}"`),
          ...[...result.goodSigns, ...result.redFlags]
            .filter((s) => s.signal === l)
            .map((s) => `${s.rule}:"${s.span.text}"`),
        ];
        process.stderr.write(`FP ${l} [${note.id}] ${why.join(" | ")}\n`);
      }
    } else if (want.has(l)) {
      c.fn++;
      if (verbose)
        process.stderr.write(`FN ${l} [${note.id}] ${note.text.slice(0, 120).replace(/\n/g, " / ")}\n`);
    }
  }
}
const ms = performance.now() - started;

const round = (x: number) => Math.round(x * 1000) / 1000;
function scores(tp: number, fp: number, fn: number) {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision: round(precision), recall: round(recall), f1: round(f1), support: tp + fn, tp, fp, fn };
}

let tp = 0;
let fp = 0;
let fn = 0;
const perSignal: { f1: number; precision: number; recall: number }[] = [];
for (const l of universe) {
  const c = counts.get(l)!;
  tp += c.tp;
  fp += c.fp;
  fn += c.fn;
  const s = scores(c.tp, c.fp, c.fn);
  perSignal.push(s);
  console.log(JSON.stringify({ bench: "signals", signal: l, group: groups[l], ...s }));
}
const mean = (k: "precision" | "recall" | "f1") =>
  round(perSignal.reduce((a, s) => a + s[k], 0) / perSignal.length);
console.log(
  JSON.stringify({
    bench: "signals",
    signal: "overall",
    notes: data.notes.length,
    ...scores(tp, fp, fn),
    macro_precision: mean("precision"),
    macro_recall: mean("recall"),
    macro_f1: mean("f1"),
  }),
);
console.log(
  JSON.stringify({
    bench: "signals",
    case: "throughput",
    notes: data.notes.length,
    ms: round(ms),
    notes_per_s: round((data.notes.length / ms) * 1000),
  }),
);
