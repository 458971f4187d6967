import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../src/core/records.ts";
import { compileModel, parseScoringModel } from "../src/core/scoring/index.ts";
import { DEMO_DEFAULTS, generateDemo, generateLead, generateLeads } from "../src/demo/generate.ts";
import { REFERENCE_MODEL } from "../src/demo/reference-model.ts";

const small = { ...DEMO_DEFAULTS, accounts: 60, leads: 300 };

describe("demo generator", () => {
  it("is deterministic: same seed, same data; another seed, other data", () => {
    expect(generateDemo(small)).toEqual(generateDemo(small));
    expect(generateDemo({ ...small, seed: 7 }).leads).not.toEqual(generateDemo(small).leads);
  });

  it("streams: lead i is the same alone as in the stream", () => {
    const stream = [...generateLeads(small)];
    expect(stream).toHaveLength(300);
    expect(generateLead(small, 123)).toEqual(stream[123]);
  });

  it("makes a consistent world of the requested size", () => {
    const d = generateDemo(DEMO_DEFAULTS);
    expect(d.leads).toHaveLength(2000);
    expect(d.accounts.length).toBeLessThanOrEqual(300);
    expect(d.accounts.length).toBeGreaterThan(250);
    const accountIds = new Set(d.accounts.map((a) => a.id));
    expect(d.leads.every((l) => l.accountId !== null && accountIds.has(l.accountId))).toBe(true);
    expect(new Set(d.events.map((e) => e.id)).size).toBe(d.events.length);
    const mean = d.events.length / d.leads.length;
    expect(mean).toBeGreaterThan(7);
    expect(mean).toBeLessThan(13);
    for (const t of EVENT_TYPES)
      expect(
        d.events.some((e) => e.type === t),
        t,
      ).toBe(true);
    const reasons = new Set(d.stageChanges.map((s) => s.reason));
    for (const r of ["unreachable", "inaccurate_data", "no_bant", "no_fit"])
      expect(reasons.has(r), r).toBe(true);
    expect(new Set(d.leads.map((l) => l.entryPath))).toEqual(new Set(["standard", "pql", "cql"]));
    expect(new Set(d.accounts.map((a) => a.region)).size).toBe(4);
    expect(new Set(d.accounts.map((a) => a.industry)).size).toBeGreaterThanOrEqual(10);
    // every lead's stage is its last stage change, and stage changes go forward in time
    const byLead = new Map<string, string[]>();
    for (const s of d.stageChanges) byLead.set(s.leadId, [...(byLead.get(s.leadId) ?? []), s.at]);
    for (const l of d.leads) {
      const ats = byLead.get(l.id) ?? [];
      expect(ats[ats.length - 1]).toBe(l.stageEnteredAt);
      expect([...ats].sort()).toEqual(ats);
    }
    const closed = d.deals.filter((x) => x.status !== "open");
    const winRate = closed.filter((x) => x.status === "won").length / closed.length;
    expect(winRate).toBeGreaterThan(0.15);
    expect(winRate).toBeLessThan(0.6);
  });

  it("is realistic: leads graded high on fit and engagement win far more often", () => {
    const scorer = compileModel(REFERENCE_MODEL);
    const seg = { high: [0, 0], low: [0, 0] };
    for (const b of generateLeads({ ...DEMO_DEFAULTS, leads: 4000 })) {
      const r = scorer.score(b, Date.parse(b.lead.createdAt) + 14 * 86_400_000);
      const key = ["A1", "A2", "B1"].includes(r.grade)
        ? "high"
        : r.grade[0] === "C" || r.grade[0] === "D"
          ? "low"
          : null;
      if (!key) continue;
      seg[key][0]!++;
      if (b.deal?.status === "won") seg[key][1]!++;
    }
    const rate = (s: number[]) => s[1]! / s[0]!;
    expect(seg.high[0]).toBeGreaterThan(100);
    expect(rate(seg.high)).toBeGreaterThan(3 * rate(seg.low));
  });
});

describe("reference model", () => {
  it("has about 40 rules and is the same as examples/scoring-model.yaml", () => {
    const m = REFERENCE_MODEL;
    expect(m.fit.rules.length + m.engagement.rules.length + m.negative.rules.length).toBe(40);
    const text = readFileSync(resolve(import.meta.dirname, "../examples/scoring-model.yaml"), "utf8");
    const parsed = parseScoringModel(text, "yaml");
    expect(parsed.ok && parsed.value).toEqual(m);
  });
});
