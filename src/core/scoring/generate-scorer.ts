import { compileGetter, mayHaveUpper } from "./compile-condition.ts";
import type { CompiledRules } from "./compiled-rules.ts";
import type { Condition, Scalar } from "./condition.ts";
import { MONDAY_MS } from "./decay.ts";
import { ENGAGEMENT_BANDS, FIT_LETTERS, type Grade } from "./grade.ts";
import type { ScoringModel } from "./model-schema.ts";
import type { PreparedEvent, PreparedLead } from "./prepare.ts";

/** The reusable output of the hot path (same shape as compile-model's MutableScore). */
type Out = { fit: number; engagement: number; total: number; grade: Grade };

/** A model compiled to one specialised JavaScript function (numbers only, no explanation). */
export type GeneratedScorer = {
  readonly scoreInto: (lead: PreparedLead, nowMs: number, out: Out) => Out;
  /** The fit score alone (it does not depend on the scoring instant): the fit part of `scoreInto`. */
  readonly fitOf: (lead: PreparedLead) => number;
  /**
   * Writes into `buf` the indexes of the event rules (CompiledRules.event) an event counts for, by
   * its type and the rules' `where`, in the order `scoreInto` applies them; returns how many.
   * `buf` must hold CompiledRules.event.length entries.
   */
  readonly matchInto: (event: PreparedEvent, buf: Int32Array) => number;
  /** The batch loop (batch.ts): scores leads [0, count) of a batch's columns into typed arrays. */
  readonly scoreBatchInto: ScoreBatchInto;
  /** The generated source (for tests and curiosity): identifiers and numbers we chose, no model text. */
  readonly source: string;
};

/** See GeneratedScorer.scoreBatchInto. */
export type ScoreBatchInto = (
  count: number,
  fit: Float64Array,
  matchStart: Int32Array,
  matchAt: Float64Array,
  matchRule: Int32Array,
  matchPeriod: Float64Array,
  nowMs: number,
  outFit: Float64Array,
  outEngagement: Float64Array,
  outTotal: Float64Array,
  outGrade: Uint8Array,
) => void;

// Record fields a rule may read with a direct property load. The code emitted for them comes from
// THESE lists (our own source), selected by looking the user's path up, never from the path itself.
const ACCOUNT_FIELDS = [
  "id",
  "name",
  "domain",
  "industry",
  "employees",
  "annualRevenue",
  "country",
  "region",
] as const;
const CONTACT_FIELDS = [
  "id",
  "email",
  "firstName",
  "lastName",
  "title",
  "seniority",
  "buyingRole",
  "phone",
  "emailStatus",
  "unsubscribed",
] as const;
const LEAD_FIELDS = ["id", "source", "entryPath", "ownerId", "stage"] as const;
const LEAD_FIELD_CODE = new Map<string, string>([
  ...ACCOUNT_FIELDS.map((f) => [`account.${f}`, `(A == null ? void 0 : A.${f})`] as const),
  ...CONTACT_FIELDS.map((f) => [`contact.${f}`, `(C == null ? void 0 : C.${f})`] as const),
  ...LEAD_FIELDS.map((f) => [`lead.${f}`, `(D == null ? void 0 : D.${f})`] as const),
  ["contact.emailDomain", "L.emailDomain"],
]);

/** Most distinct values a pattern remembers its answer for (then it just runs the expression). */
export const PATTERN_MEMO_LIMIT = 10_000;

/**
 * `re.test` remembering its answers: titles, paths and domains repeat across leads and events, and
 * a Map lookup is several times cheaper than running the expression. The expression has no `g` or
 * `y` flag, so its answer depends on the text alone and remembering it changes nothing.
 */
function memoTest(re: RegExp): (text: string) => boolean {
  const seen = new Map<string, boolean>();
  return (text) => {
    let hit = seen.get(text);
    if (hit === undefined) {
      hit = re.test(text);
      if (seen.size < PATTERN_MEMO_LIMIT) seen.set(text, hit);
    }
    return hit;
  };
}

const norm = (v: Scalar): Scalar => (typeof v === "string" ? v.toLowerCase() : v);

/**
 * Generates the hot path of a compiled model as one specialised function: every rule's condition,
 * decay and frequency become straight-line code with the accumulators in local variables, so V8
 * compiles a model into a few hundred machine instructions instead of calling ~40 closures.
 *
 * Safety: no text of the model (ids, field names, values, patterns, event types) is ever written
 * into the source. Values, regular expressions, sets, attribute keys and lookup tables are passed
 * in through one constants array and referred to by index (`k12`); record fields come from a fixed
 * table of our own; everything else is an identifier made from a number. Results are identical to
 * the interpreter in compile-model.ts (same floating-point operations in the same order; a
 * property test compares both on random models and leads).
 */
export function generateScorer(model: ScoringModel, rules: CompiledRules): GeneratedScorer {
  const K: unknown[] = [];
  const k = (value: unknown): string => {
    K.push(value);
    return `k${K.length - 1}`;
  };
  const mh = k(mayHaveUpper);
  const leadGet = (path: string): string => {
    const known = LEAD_FIELD_CODE.get(path);
    if (known !== undefined) return known;
    const m = /^(account|contact)\.attributes\.(.+)$/.exec(path);
    if (m)
      return `(${m[1] === "account" ? "A" : "C"} == null ? void 0 : ${m[1] === "account" ? "A" : "C"}.attributes[${k(m[2])}])`;
    return `${k(compileGetter(path))}(L)`;
  };
  const eventGet = (path: string): string => {
    if (path === "type") return "E.type";
    if (path === "id") return "E.id";
    if (path.startsWith("properties.")) return `E.properties[${k(path.slice("properties.".length))}]`;
    return `${k(compileGetter(path))}(E)`;
  };
  // One expression per condition; `v` is a scratch variable each leaf assigns and reads before the
  // next leaf runs (&& and || evaluate left to right), mirroring compileCondition exactly.
  const cond = (c: Condition, get: (path: string) => string): string => {
    if ("all" in c) return `(${c.all.map((x) => cond(x, get)).join(" && ")})`;
    if ("any" in c) return `(${c.any.map((x) => cond(x, get)).join(" || ")})`;
    if ("not" in c) return `(!${cond(c.not, get)})`;
    const g = get(c.field);
    if ("equals" in c) {
      const want = norm(c.equals);
      if (typeof want === "string") {
        const w = k(want);
        return `(typeof (v = ${g}) === "string" && (v === ${w} || (${mh}(v) && v.toLowerCase() === ${w})))`;
      }
      return `(${g} === ${k(want)})`;
    }
    if ("in" in c) {
      const set = k(new Set(c.in.map(norm)));
      return `((v = ${g}) !== void 0 && (${set}.has(v) || (typeof v === "string" && ${mh}(v) && ${set}.has(v.toLowerCase()))))`;
    }
    if ("range" in c) {
      const min = k(c.range.min ?? Number.NEGATIVE_INFINITY);
      const max = k(c.range.max ?? Number.POSITIVE_INFINITY);
      return `(typeof (v = ${g}) === "number" && v >= ${min} && v <= ${max})`;
    }
    if ("pattern" in c) {
      const test = k(memoTest(new RegExp(c.pattern, "i")));
      return `((typeof (v = ${g}) === "string" || typeof v === "number") && ${test}(String(v)))`;
    }
    return `(${c.exists ? "" : "!"}((v = ${g}) !== null && v !== void 0 && v !== ""))`;
  };

  const lines: string[] = [];
  const emit = (s: string) => lines.push(s);
  emit("const A = L.account, C = L.contact, D = L.lead;");
  emit("let v;");

  // Fit side: string equals/in rules on the same field are answered by one read and one map lookup
  // giving a bit mask of the rules fired (30 rules per mask).
  const firedBy = new Map<number, string>();
  rules.dispatch.forEach((d, di) => {
    const members = [...new Set([...d.table.values()].flatMap((list) => [...list]))].sort((a, b) => a - b);
    emit(`v = ${leadGet(d.field)};`);
    emit(`const s${di} = typeof v === "string" ? v : null;`);
    for (let c = 0; c * 30 < members.length; c++) {
      const chunk = members.slice(c * 30, c * 30 + 30);
      const masks = new Map<string, number>();
      for (const [value, list] of d.table)
        for (const i of list) {
          const bit = chunk.indexOf(i);
          if (bit >= 0) masks.set(value, (masks.get(value) ?? 0) | (1 << bit));
        }
      const t = k(masks);
      // table.get(v) ?? (mayHaveUpper(v) ? table.get(v.toLowerCase()) : undefined), as in compile-model.
      emit(
        `const m${di}_${c} = s${di} === null ? 0 : (${t}.get(s${di}) ?? (${mh}(s${di}) ? ${t}.get(s${di}.toLowerCase()) : void 0) ?? 0);`,
      );
      chunk.forEach((i, bit) => {
        firedBy.set(i, `(m${di}_${c} & ${1 << bit}) !== 0`);
      });
    }
  });
  const capsFrom = lines.length;
  const caps = Array.from(rules.groupCaps, (cap, g) => {
    emit(`let g${g} = ${k(cap)};`);
    return `g${g}`;
  });
  const capsTo = lines.length;
  emit(`let fit = 0, fitLeft = ${k(rules.fitCap)}, c = 0;`);
  rules.attribute.forEach((rule, i) => {
    const fired = firedBy.get(i) ?? cond(rule.when, leadGet);
    emit(`if (${fired}) {`);
    emit(`  c = ${k(rule.points)};`);
    emit("  if (c > 0) {");
    if (rule.capIndex >= 0) emit(`    if (c > ${caps[rule.capIndex]}) c = ${caps[rule.capIndex]};`);
    emit("    if (c > fitLeft) c = fitLeft;");
    emit("    if (c < 0) c = 0;");
    if (rule.capIndex >= 0) emit(`    ${caps[rule.capIndex]} -= c;`);
    emit("    fitLeft -= c;");
    emit("  }");
    emit("  fit += c;");
    emit("}");
  });

  const fitLines = lines.length;
  // Which event rules an event counts for (the batch scorer matches each event once, at prepare).
  const match: string[] = ["let v, n = 0;"];

  // Engagement side: one pass over the sorted ledger; the event type picks a case of a switch.
  const nEvent = rules.event.length;
  // The batch scorer's per-match code: the same decay and frequency lines, by rule index, with the
  // period precomputed at prepare (P[m], the same expression) instead of computed here.
  const batchCases: string[] = [];
  let accFrom = lines.length;
  let accTo = lines.length;
  if (nEvent > 0) {
    const slots = new Map<string, number>();
    const slotRules: number[][] = [];
    for (const [type, list] of rules.byType) {
      slots.set(type, slotRules.length);
      slotRules.push([...list]);
    }
    const slotOf = k(slots);
    accFrom = lines.length;
    for (let r = 0; r < nEvent; r++) {
      emit(`let a${r} = 0;`);
      if (rules.event[r]!.frequency === 2) emit(`let b${r} = NaN, n${r} = 0;`);
    }
    accTo = lines.length;
    emit("const evs = L.events;");
    emit("for (let e = 0; e < evs.length; e++) {");
    emit("  const E = evs[e];");
    emit("  const at = E.atMs;");
    emit("  if (at > nowMs) break;");
    emit(`  const slot = ${slotOf}.get(E.type);`);
    emit("  if (slot === void 0) continue;");
    emit("  const age = nowMs - at;");
    emit("  let x = 0, f = 0;");
    emit("  switch (slot) {");
    match.push(`const slot = ${slotOf}.get(E.type);`, "switch (slot) {");
    slotRules.forEach((list, slot) => {
      emit(`    case ${slot}:`);
      match.push(`  case ${slot}:`);
      for (const r of list) {
        const rule = rules.event[r]!;
        const where = rule.whereCondition === null ? null : cond(rule.whereCondition, eventGet);
        match.push(where === null ? `    buf[n++] = ${r};` : `    if (${where}) buf[n++] = ${r};`);
        if (where !== null) emit(`      if (${where}) {`);
        const body: string[] = [];
        const p = k(rule.points);
        const d = rule.decay;
        if (d.mode === 0) body.push(`x = ${p} * 1;`);
        else if (d.mode === 1) body.push(`x = ${p} * Math.exp(-${k(d.a)} * age);`);
        else if (d.mode === 2) {
          body.push(`f = 1 - Math.floor(age / ${k(d.b)}) * ${k(d.a)};`);
          body.push(`x = ${p} * (f > 0 ? f : 0);`);
        } else body.push(`x = ${p} * (age <= ${k(d.a)} ? 1 : 0);`);
        const periodLine = `f = Math.floor((at - ${k(MONDAY_MS)}) / ${k(rule.periodMs)});`;
        if (rule.frequency === 0) body.push(`a${r} += x;`);
        else if (rule.frequency === 1) body.push(`a${r} = x;`);
        else {
          body.push(periodLine);
          body.push(`if (f !== b${r}) { b${r} = f; n${r} = 0; }`);
          body.push(`if (n${r} < ${k(rule.max)}) { n${r}++; a${r} += x; }`);
        }
        for (const line of body) emit(`      ${line}`);
        if (!batchCases.some((l) => l === `case ${r}:`)) {
          batchCases.push(`case ${r}:`);
          for (const line of body) batchCases.push(`  ${line === periodLine ? "f = P[m];" : line}`);
          batchCases.push("  break;");
        }
        if (where !== null) emit("      }");
      }
      emit("      break;");
      match.push("    break;");
    });
    emit("  }");
    emit("}");
    match.push("}");
  }
  match.push("return n;");
  const settleFrom = lines.length;
  emit(`let engagement = 0, engagementLeft = ${k(rules.engagementCap)};`);
  rules.event.forEach((rule, r) => {
    // A rule with no counted event has a0 = 0, which adds 0 and leaves every cap alone.
    emit(`c = Math.round(a${r}) + 0;`);
    emit("if (c > 0) {");
    if (rule.capIndex >= 0) emit(`  if (c > ${caps[rule.capIndex]}) c = ${caps[rule.capIndex]};`);
    emit("  if (c > engagementLeft) c = engagementLeft;");
    emit("  if (c < 0) c = 0;");
    if (rule.capIndex >= 0) emit(`  ${caps[rule.capIndex]} -= c;`);
    emit("  engagementLeft -= c;");
    emit("}");
    emit("engagement += c;");
  });
  const settleTo = lines.length;
  const gf = model.grades.fit;
  const ge = model.grades.engagement;
  const gradeTable = FIT_LETTERS.flatMap((l) => ENGAGEMENT_BANDS.map((b) => `${l}${b}` as Grade));
  emit("out.fit = fit;");
  emit("out.engagement = engagement;");
  emit("out.total = fit + engagement;");
  const gradeFrom = lines.length;
  emit(`const letter = fit >= ${k(gf.A)} ? 0 : fit >= ${k(gf.B)} ? 1 : fit >= ${k(gf.C)} ? 2 : 3;`);
  emit(
    `const band = engagement >= ${k(ge["1"])} ? 0 : engagement >= ${k(ge["2"])} ? 1 : engagement >= ${k(ge["3"])} ? 2 : 3;`,
  );
  const gradeTo = lines.length;
  emit(`out.grade = ${k(gradeTable)}[letter * 4 + band];`);
  emit("return out;");

  const source = [
    `"use strict";`,
    `const ${K.map((_, i) => `k${i} = K[${i}]`).join(", ")};`,
    "return function scoreInto(L, nowMs, out) {",
    ...lines.map((l) => `  ${l}`),
    "};",
  ].join("\n");
  const extra = [
    "function fitOf(L) {",
    ...lines.slice(0, fitLines).map((l) => `  ${l}`),
    "  return fit;",
    "}",
    "function matchInto(E, buf) {",
    ...match.map((l) => `  ${l}`),
    "}",
    // Leads [0, count) of a batch (batch.ts): fit per lead F, matches [S[i], S[i + 1]) with instant T,
    // rule R and period P; results into OF, OE, OT and OG (grade code letter * 4 + band).
    "function scoreBatchInto(count, F, S, T, R, P, nowMs, OF, OE, OT, OG) {",
    "  for (let i = 0; i < count; i++) {",
    ...lines.slice(accFrom, accTo).map((l) => `    ${l}`),
    "    let x = 0, f = 0, c = 0;",
    "    const end = S[i + 1];",
    "    for (let m = S[i]; m < end; m++) {",
    "      const at = T[m];",
    "      if (at > nowMs) break;",
    "      const age = nowMs - at;",
    "      switch (R[m]) {",
    ...batchCases.map((l) => `        ${l}`),
    "      }",
    "    }",
    ...lines.slice(capsFrom, capsTo).map((l) => `    ${l}`),
    ...lines.slice(settleFrom, settleTo).map((l) => `    ${l}`),
    "    const fit = F[i];",
    "    OF[i] = fit;",
    "    OE[i] = engagement;",
    "    OT[i] = fit + engagement;",
    ...lines.slice(gradeFrom, gradeTo).map((l) => `    ${l}`),
    "    OG[i] = letter * 4 + band;",
    "  }",
    "}",
  ].join("\n");
  // The source is built from our own fragments and numbers only (see above).
  const factory = new Function(
    "K",
    `${source.replace("return function scoreInto", "const scoreInto = function scoreInto")}\n${extra}\nreturn { scoreInto, fitOf, matchInto, scoreBatchInto };`,
  ) as (
    K: readonly unknown[],
  ) => Pick<GeneratedScorer, "scoreInto" | "fitOf" | "matchInto" | "scoreBatchInto">;
  return { ...factory(K), source: `${source}\n${extra}` };
}
