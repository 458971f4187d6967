// Signals bench: precision and recall of readSignals on Winnow's own labelled notes
// (bench/data/signals-labelled.json), per element, good sign and red flag, at note level.
// Prints one JSON line per signal (all notes), an overall line per split (dev: the notes the rules
// were developed against; holdout: written afterwards and never tuned on; all), and a throughput line.
// `--verbose` lists every false positive (with the rule and quote) and false negative on stderr.
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
  split: z.enum(["dev", "holdout"]).default("dev"),
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

type Counts = { tp: number; fp: number; fn: number };
const fresh = () => new Map<string, Counts>(universe.map((l) => [l, { tp: 0, fp: 0, fn: 0 }]));
const splits = { all: fresh(), dev: fresh(), holdout: fresh() };
const results: SignalsResult[] = [];

const started = performance.now();
for (const note of data.notes) {
  const result = readSignals(note.text, {
    date: note.date,
    ...(note.previous ? { previous: note.previous } : {}),
  });
  results.push(result);
  const got = predicted(result);
  const want = new Set(note.labels);
  for (const l of universe) {
    const kind = got.has(l) && want.has(l) ? "tp" : got.has(l) ? "fp" : want.has(l) ? "fn" : undefined;
    if (!kind) continue;
    splits.all.get(l)![kind]++;
    splits[note.split].get(l)![kind]++;
    if (!verbose || kind === "tp") continue;
    const why = [
      ...result.evidence.filter((e) => e.element === l).map((e) => `${e.rule}:"${e.span.text}"`),
      ...[...result.goodSigns, ...result.redFlags]
        .filter((s) => s.signal === l)
        .map((s) => `${s.rule}:"${s.span.text}"`),
    ];
    const detail = kind === "fp" ? why.join(" | ") : note.text.slice(0, 120).replace(/\n/g, " / ");
    process.stderr.write(`${kind.toUpperCase()} ${l} [${note.id}] ${detail}\n`);
  }
}
const ms = performance.now() - started;

const round = (x: number) => Math.round(x * 1000) / 1000;
function scores({ tp, fp, fn }: Counts) {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision: round(precision), recall: round(recall), f1: round(f1), support: tp + fn, tp, fp, fn };
}
const sum = (m: Map<string, Counts>) =>
  [...m.values()].reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), {
    tp: 0,
    fp: 0,
    fn: 0,
  });

for (const l of universe)
  console.log(
    JSON.stringify({ bench: "signals", signal: l, group: groups[l], ...scores(splits.all.get(l)!) }),
  );
for (const split of ["dev", "holdout", "all"] as const) {
  const per = universe.map((l) => scores(splits[split].get(l)!)).filter((s) => s.support + s.fp > 0);
  const mean = (k: "precision" | "recall" | "f1") => round(per.reduce((a, s) => a + s[k], 0) / per.length);
  const notes = split === "all" ? data.notes.length : data.notes.filter((n) => n.split === split).length;
  console.log(
    JSON.stringify({
      bench: "signals",
      signal: "overall",
      split,
      notes,
      ...scores(sum(splits[split])),
      macro_precision: mean("precision"),
      macro_recall: mean("recall"),
      macro_f1: mean("f1"),
    }),
  );
}
// a second, warm pass: the first one pays for loading chrono-node and JIT compilation
const warmStart = performance.now();
for (const note of data.notes)
  readSignals(note.text, { date: note.date, ...(note.previous ? { previous: note.previous } : {}) });
const warmMs = performance.now() - warmStart;
const spans = results.reduce((a, r) => a + r.evidence.length + r.goodSigns.length + r.redFlags.length, 0);
console.log(
  JSON.stringify({
    bench: "signals",
    case: "throughput",
    notes: data.notes.length,
    items: spans,
    cold_ms: round(ms),
    warm_ms: round(warmMs),
    notes_per_s: round((data.notes.length / warmMs) * 1000),
  }),
);
