import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BehaviourEvent } from "../src/core/records.ts";
import { compileRules } from "../src/core/scoring/compiled-rules.ts";
import { generateScorer } from "../src/core/scoring/generate-scorer.ts";
import {
  type Condition,
  compileModel,
  GRADE_CODES,
  type MutableScore,
  newBatchScores,
  type PreparedLead,
  prepareLead,
  type ScoreInput,
  type ScoringModel,
  validateScoringModel,
} from "../src/core/scoring/index.ts";
import { DEMO_DEFAULTS, generateLeads } from "../src/demo/generate.ts";
import { demoAccount, demoContact, demoLead } from "../src/demo/records.ts";
import { REFERENCE_MODEL } from "../src/demo/reference-model.ts";
import { capArb, DAY, decayArb, frequencyArb, NOW_MS, TYPES } from "./helpers/scoring-arbitraries.ts";

// The generated scorer (compileModel's default scoreInto) must give exactly the interpreter's numbers.

const STRINGS = [
  "software",
  "Software",
  "SOFTWARE",
  "retail",
  "fintech",
  "Évian",
  "évian",
  "",
  "vp",
] as const;
const LEAD_PATHS = [
  "account.industry",
  "account.employees",
  "account.region",
  "account.name",
  "account.attributes.tier",
  "contact.title",
  "contact.seniority",
  "contact.emailDomain",
  "contact.phone",
  "contact.unsubscribed",
  "contact.attributes.score",
  "lead.source",
  "lead.stage",
  "account.attributes.nested.deep",
  "weird.path",
] as const;
const EVENT_PATHS = ["type", "id", "properties.path", "properties.n", "properties.flag", "other"] as const;

const scalarArb = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.integer({ min: -5, max: 6000 }),
  fc.boolean(),
  fc.constant(null),
);
const leafArb = (paths: readonly string[]): fc.Arbitrary<Condition> =>
  fc.oneof(
    fc.record({ field: fc.constantFrom(...paths), equals: scalarArb }),
    fc.record({ field: fc.constantFrom(...paths), in: fc.array(scalarArb, { minLength: 1, maxLength: 4 }) }),
    fc
      .record({
        field: fc.constantFrom(...paths),
        min: fc.option(fc.integer({ min: -10, max: 3000 }), { nil: undefined }),
        span: fc.integer({ min: 0, max: 5000 }),
        max: fc.boolean(),
      })
      .map(({ field, min, span, max }) => ({
        field,
        range: min === undefined ? { max: span } : max ? { min, max: min + span } : { min },
      })),
    fc.record({
      field: fc.constantFrom(...paths),
      pattern: fc.constantFrom("^soft", "\\bvp\\b", "^/careers", "1", "évian$"),
    }),
    fc.record({ field: fc.constantFrom(...paths), exists: fc.boolean() }),
  );
const conditionArb = (paths: readonly string[]): fc.Arbitrary<Condition> =>
  fc.letrec<{ c: Condition }>((tie) => ({
    c: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leafArb(paths),
      fc.record({ all: fc.array(tie("c"), { minLength: 1, maxLength: 3 }) }),
      fc.record({ any: fc.array(tie("c"), { minLength: 1, maxLength: 3 }) }),
      fc.record({ not: tie("c") }),
    ),
  })).c;

const typesArb = fc.oneof(
  fc.constantFrom(...TYPES),
  fc.uniqueArray(fc.constantFrom(...TYPES), { minLength: 1 }),
);

const modelArbFor = (leadPaths: readonly string[], eventPaths: readonly string[]) =>
  fc
    .record({
      fitCap: capArb,
      engCap: capArb,
      groupCaps: fc.tuple(capArb, capArb),
      decay: decayArb,
      grades: fc.boolean(),
      fit: fc.array(
        fc.record({
          when: conditionArb(leadPaths),
          points: fc.integer({ min: 1, max: 40 }),
          group: fc.integer({ min: -1, max: 1 }),
        }),
        { maxLength: 8 },
      ),
      eng: fc.array(
        fc.record({
          event: typesArb,
          where: fc.option(conditionArb(eventPaths), { nil: undefined }),
          points: fc.integer({ min: 1, max: 30 }),
          frequency: frequencyArb,
          decay: fc.option(decayArb, { nil: undefined }),
          group: fc.integer({ min: -1, max: 1 }),
        }),
        { maxLength: 8 },
      ),
      neg: fc.array(
        fc.oneof(
          fc.record({ when: conditionArb(leadPaths), points: fc.integer({ min: -40, max: -1 }) }),
          fc.record({
            event: typesArb,
            where: fc.option(conditionArb(eventPaths), { nil: undefined }),
            points: fc.integer({ min: -30, max: -1 }),
            frequency: frequencyArb,
            decay: fc.option(decayArb, { nil: undefined }),
          }),
        ),
        { maxLength: 4 },
      ),
    })
    .map((g): ScoringModel => {
      const groups = (side: string) =>
        g.groupCaps.map((cap, i) => ({ id: `${side}${i}`, ...(cap === undefined ? {} : { cap }) }));
      const strip = <T extends object>(o: T) =>
        Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
      const r = validateScoringModel({
        id: "codegen",
        name: "Codegen property model",
        version: 1,
        fit: {
          ...(g.fitCap === undefined ? {} : { cap: g.fitCap }),
          groups: groups("f"),
          rules: g.fit.map((f, i) => ({
            id: `f${i}`,
            ...(f.group < 0 ? {} : { group: `f${f.group}` }),
            when: f.when,
            points: f.points,
          })),
        },
        engagement: {
          ...(g.engCap === undefined ? {} : { cap: g.engCap }),
          decay: g.decay,
          groups: groups("e"),
          rules: g.eng.map(({ group, ...e }, i) => ({
            id: `e${i}`,
            ...strip(e),
            ...(group < 0 ? {} : { group: `e${group}` }),
          })),
        },
        negative: { rules: g.neg.map((n, i) => ({ id: `n${i}`, ...strip(n) })) },
        ...(g.grades
          ? { grades: { fit: { A: 30, B: 10, C: 1 }, engagement: { "1": 20, "2": 5, "3": 1 } } }
          : {}),
      });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.value;
    });
const modelArb = modelArbFor(LEAD_PATHS, EVENT_PATHS);
/** Models reading only paths the columnar path lays out (no generic walk: no fallback). */
const KNOWN_LEAD_PATHS = LEAD_PATHS.filter((p) => p !== "weird.path");
const KNOWN_EVENT_PATHS = EVENT_PATHS.filter((p) => p !== "other");
const columnarModelArb = modelArbFor(KNOWN_LEAD_PATHS, KNOWN_EVENT_PATHS);

const valueArb = fc.option(fc.oneof(fc.constantFrom(...STRINGS), fc.integer({ min: -5, max: 6000 })), {
  nil: null,
});
const inputArb = fc
  .record({
    hasAccount: fc.boolean(),
    industry: valueArb,
    employees: fc.option(fc.integer({ min: 0, max: 9000 }), { nil: null }),
    region: valueArb,
    tier: fc.option(scalarArb, { nil: undefined }),
    title: valueArb,
    seniority: valueArb,
    email: fc.constantFrom("jo@Acme.example", "x@évian.fr", null, "bad"),
    phone: fc.constantFrom(null, "", "+1 555"),
    source: valueArb,
    events: fc.array(
      fc.record({
        type: fc.constantFrom(...TYPES, "other_type"),
        // Whole days too: events exactly at a scoring instant or a decay window's edge.
        ageMs: fc.oneof(
          fc.integer({ min: -5 * DAY, max: 200 * DAY }),
          fc.integer({ min: -2, max: 40 }).map((d) => d * DAY),
        ),
        path: fc.option(fc.constantFrom("/careers/x", "/CAREERS", "/pricing", "1"), { nil: undefined }),
        n: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
      }),
      { maxLength: 25 },
    ),
  })
  .map(
    (x): ScoreInput => ({
      account: x.hasAccount
        ? demoAccount({
            industry: x.industry as string | null,
            employees: x.employees,
            region: x.region as string | null,
            attributes: x.tier === undefined ? {} : { tier: x.tier },
          })
        : null,
      contact: demoContact({
        title: x.title as string | null,
        seniority: x.seniority as never,
        email: x.email,
        phone: x.phone,
        attributes: { score: x.employees },
      }),
      lead: demoLead({ source: x.source as string | null }),
      events: x.events.map(
        (e, i): BehaviourEvent => ({
          id: `e${i}`,
          leadId: "lead-1",
          type: e.type,
          occurredAt: new Date(NOW_MS - e.ageMs).toISOString(),
          properties: {
            ...(e.path === undefined ? {} : { path: e.path }),
            ...(e.n === undefined ? {} : { n: e.n }),
          },
        }),
      ),
    }),
  );

const fresh = (): MutableScore => ({ fit: 0, engagement: 0, total: 0, grade: "D4" });

/** Scores leads through the batch path (prepareBatch once, scoreBatch) and reads them back. */
function viaBatch(
  scorer: ReturnType<typeof compileModel>,
  leads: PreparedLead[],
  nowMs: number,
): MutableScore[] {
  const out = scorer.scoreBatch(scorer.prepareBatch(leads), nowMs, newBatchScores(leads.length + 1));
  return leads.map((_, i) => ({
    fit: out.fit[i]!,
    engagement: out.engagement[i]!,
    total: out.total[i]!,
    grade: GRADE_CODES[out.grade[i]!]!,
  }));
}

/** Lead i of a batch's scores, in scoreInto's shape. */
const rowOf = (o: ReturnType<typeof newBatchScores>, i: number) => ({
  fit: o.fit[i],
  engagement: o.engagement[i],
  total: o.total[i],
  grade: GRADE_CODES[o.grade[i]!],
});

describe("generated scorer", () => {
  it("gives exactly the interpreter's numbers on random models and leads", () => {
    let columnar = 0;
    fc.assert(
      fc.property(modelArb, fc.array(inputArb, { minLength: 1, maxLength: 4 }), (model, inputs) => {
        const generated = compileModel(model);
        const reference = compileModel(model, { engine: "interpreter" });
        const leads = inputs.map(prepareLead);
        // One batch, scored at two instants (events between them count only at the later one).
        const batch = generated.prepareBatch(leads);
        const refBatch = reference.prepareBatch(leads);
        // Straight from the records (no prepared objects when the model reads known fields only).
        const rawBatch = generated.prepareBatchFromInputs(inputs);
        // From columns (columns.ts): built from the records and from prepared leads; the
        // interpreter's scorer too (its batch loop is the generic one).
        const colBatch = generated.prepareBatchFromColumns(generated.columnsFromInputs(inputs));
        const colPrepBatch = generated.prepareBatchFromColumns(generated.columnsFromPrepared(leads));
        const refColBatch = reference.prepareBatchFromColumns(reference.columnsFromInputs(inputs));
        if (generated.columnLayout.fallbackReason === null) columnar++;
        for (const at of [NOW_MS, NOW_MS - 20 * DAY]) {
          const out = generated.scoreBatch(batch, at, newBatchScores(leads.length));
          const refOut = reference.scoreBatch(refBatch, at, newBatchScores(leads.length));
          const rawOut = generated.scoreBatch(rawBatch, at, newBatchScores(leads.length));
          const colOut = generated.scoreBatch(colBatch, at, newBatchScores(leads.length));
          const colPrepOut = generated.scoreBatch(colPrepBatch, at, newBatchScores(leads.length));
          const refColOut = reference.scoreBatch(refColBatch, at, newBatchScores(leads.length));
          leads.forEach((lead, i) => {
            const want = reference.scoreInto(lead, at, fresh());
            expect(generated.scoreInto(lead, at, fresh())).toEqual(want);
            expect(generated.scoreBatchLead(batch, i, at, fresh())).toEqual(want);
            expect(reference.scoreBatchLead(refBatch, i, at, fresh())).toEqual(want);
            for (const o of [out, refOut, rawOut, colOut, colPrepOut, refColOut])
              expect(rowOf(o, i)).toEqual(want);
            const explained = reference.scorePrepared(lead, at);
            expect([explained.fit, explained.engagement, explained.grade]).toEqual([
              want.fit,
              want.engagement,
              want.grade,
            ]);
            // The explanation adds up to the numbers every path gives.
            const sum = (side: string) =>
              explained.explanation.filter((x) => x.side === side).reduce((s, x) => s + x.counted, 0);
            expect([sum("fit"), sum("engagement")]).toEqual([want.fit, want.engagement]);
          });
        }
      }),
      { numRuns: 400 },
    );
    // Some models run on columns, the others read a path such as `weird.path` (the fallback).
    expect(columnar).toBeGreaterThan(20);
    expect(columnar).toBeLessThan(400);
  });

  it("from columns, gives exactly the interpreter's numbers on random models of known fields", () => {
    fc.assert(
      fc.property(columnarModelArb, fc.array(inputArb, { minLength: 1, maxLength: 6 }), (model, inputs) => {
        const generated = compileModel(model);
        const reference = compileModel(model, { engine: "interpreter" });
        expect(generated.columnLayout.fallbackReason).toBeNull();
        const leads = inputs.map(prepareLead);
        const columns = generated.columnsFromInputs(inputs);
        expect(columns.records).toBeNull();
        const batches = [
          generated.prepareBatchFromColumns(columns),
          generated.prepareBatchFromColumns(generated.columnsFromPrepared(leads)),
          reference.prepareBatchFromColumns(reference.columnsFromInputs(inputs)),
          // Written over a spent batch, larger and smaller (arrays reused or replaced).
          generated.prepareBatchFromColumns(
            columns,
            generated.prepareBatchFromColumns(generated.columnsFromInputs([...inputs, ...inputs])),
          ),
          generated.prepareBatchFromColumns(
            columns,
            generated.prepareBatchFromColumns(generated.columnsFromInputs(inputs.slice(0, 1))),
          ),
        ];
        for (const at of [NOW_MS, NOW_MS - 20 * DAY]) {
          const outs = batches.map((b) =>
            (b.rules === batches[2]!.rules ? reference : generated).scoreBatch(
              b,
              at,
              newBatchScores(leads.length),
            ),
          );
          leads.forEach((lead, i) => {
            const want = reference.scoreInto(lead, at, fresh());
            for (const o of outs) expect(rowOf(o, i)).toEqual(want);
          });
        }
      }),
      { numRuns: 400 },
    );
  });

  it("gives the interpreter's numbers on the reference model over demo leads", () => {
    const generated = compileModel(REFERENCE_MODEL);
    const reference = compileModel(REFERENCE_MODEL, { engine: "interpreter" });
    const demo = { ...DEMO_DEFAULTS, leads: 3000, accounts: 400 };
    const at = Date.parse(demo.start) + demo.days * DAY;
    let nonZero = 0;
    const leads = [...generateLeads(demo)].map(prepareLead);
    const batched = viaBatch(generated, leads, at);
    // From columns built straight from the generator's bundles (the reference model needs no fallback).
    expect(generated.columnLayout.fallbackReason).toBeNull();
    const columns = generated.columnsFromInputs([...generateLeads(demo)]);
    const fromColumns = generated.scoreBatch(
      generated.prepareBatchFromColumns(columns),
      at,
      newBatchScores(leads.length),
    );
    leads.forEach((lead, i) => {
      const got = generated.scoreInto(lead, at, fresh());
      expect(got).toEqual(reference.scoreInto(lead, at, fresh()));
      expect(batched[i]).toEqual(got);
      expect([fromColumns.fit[i], fromColumns.total[i], GRADE_CODES[fromColumns.grade[i]!]]).toEqual([
        got.fit,
        got.total,
        got.grade,
      ]);
      if (got.engagement !== 0 && got.fit !== 0) nonZero++;
    });
    expect(nonZero).toBeGreaterThan(100);
  });

  it("falls back to the records for a model reading a path columns cannot lay out", () => {
    const model = validateScoringModel({
      id: "walk",
      name: "Generic walk",
      version: 1,
      fit: { rules: [{ id: "w", when: { field: "lead.createdAt", exists: true }, points: 7 }] },
      engagement: {
        rules: [
          { id: "p", event: "page_view", where: { field: "properties.path", pattern: "^/p" }, points: 3 },
        ],
      },
    });
    if (!model.ok) throw new Error("invalid");
    const scorer = compileModel(model.value);
    expect(scorer.columnLayout.fallbackReason).toMatch(/"lead\.createdAt", which is not a lead field/);
    const inputs = [...generateLeads({ ...DEMO_DEFAULTS, leads: 50, accounts: 20 })];
    const columns = scorer.columnsFromInputs(inputs);
    expect(columns.records).toHaveLength(50);
    const out = scorer.scoreBatch(scorer.prepareBatchFromColumns(columns), NOW_MS, newBatchScores(50));
    inputs.forEach((input, i) => {
      const want = scorer.scoreInto(prepareLead(input), NOW_MS, fresh());
      expect([out.fit[i], out.total[i]]).toEqual([want.fit, want.total]);
      expect(want.fit).toBe(7);
    });
    // Columns laid out for another model are refused, with the column named.
    const reference = compileModel(REFERENCE_MODEL);
    const other = compileModel(model.value).columnsFromInputs([]);
    expect(() => reference.prepareBatchFromColumns({ ...other, records: null })).toThrow(
      /no dictionary-encoded column "account\.industry"/,
    );
  });

  it("refuses a batch prepared by another model's scorer and too small an output", () => {
    const scorer = compileModel(REFERENCE_MODEL);
    const other = compileModel(REFERENCE_MODEL);
    const leads = [...generateLeads({ ...DEMO_DEFAULTS, leads: 3, accounts: 3 })].map(prepareLead);
    const batch = scorer.prepareBatch(leads);
    expect(() => other.scoreBatch(batch, NOW_MS, newBatchScores(3))).toThrow(/another model's scorer/);
    expect(() => scorer.scoreBatch(batch, NOW_MS, newBatchScores(2))).toThrow(
      /output holds 2 leads, the batch 3/,
    );
    expect(scorer.scoreBatch(scorer.prepareBatch([]), NOW_MS, newBatchScores(0)).fit).toHaveLength(0);
    expect(() => scorer.scoreBatchLead(batch, 3, NOW_MS, fresh())).toThrow(/no lead 3 in a batch of 3/);
  });

  it("never writes the model's text into the generated code", () => {
    const hostile = "x'); globalThis.pwned = 1; ('";
    const r = validateScoringModel({
      id: "hostile",
      name: hostile,
      version: 1,
      fit: {
        groups: [{ id: "g", cap: 10 }],
        rules: [
          {
            id: "r1",
            group: "g",
            when: { field: `account.attributes.${hostile}`, equals: hostile },
            points: 5,
          },
          { id: "r2", when: { field: `x.${hostile}`, pattern: "\\*/" }, points: 3 },
          { id: "r3", when: { field: "contact.title", in: [hostile, "*/"] }, points: 2 },
        ],
      },
      engagement: {
        rules: [
          { id: "e1", event: hostile, where: { field: `properties.${hostile}`, exists: true }, points: 7 },
        ],
      },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const scorer = compileModel(r.value);
    const input: ScoreInput = {
      account: demoAccount({ attributes: { [hostile]: hostile.toUpperCase() } }),
      contact: demoContact({ title: hostile }),
      lead: demoLead(),
      events: [
        {
          id: "e",
          leadId: "lead-1",
          type: hostile,
          occurredAt: new Date(NOW_MS - DAY).toISOString(),
          properties: { [hostile]: 1 },
        },
      ],
    };
    const got = scorer.scoreInto(prepareLead(input), NOW_MS, fresh());
    expect(got).toMatchObject({ fit: 7, engagement: 7 });
    expect(got).toEqual(
      compileModel(r.value, { engine: "interpreter" }).scoreInto(prepareLead(input), NOW_MS, fresh()),
    );
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
    const source = scorer.scoreInto.toString();
    for (const text of ["pwned", "*/"]) expect(source).not.toContain(text);
    const reference = generateScorer(REFERENCE_MODEL, compileRules(REFERENCE_MODEL)).source;
    for (const text of ["software", "page_view", "careers", "industry-core", "half_life"])
      expect(reference).not.toContain(text);
    // Record fields are read directly, from the generator's own table.
    expect(reference).toContain("A.industry");
  });
});
