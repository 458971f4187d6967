import { describe, expect, it } from "vitest";
import { parseScoringModel, validateScoringModel } from "../src/core/scoring/index.ts";

const minimal = "id: m1\nname: Minimal\nversion: 1\n";

describe("parseScoringModel", () => {
  it("fills in defaults for a minimal model", () => {
    const r = parseScoringModel(minimal, "yaml");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.status).toBe("draft");
    expect(r.value.default).toBe(false);
    expect(r.value.engagement.decay).toEqual({ mode: "none" });
    expect(r.value.grades.fit).toEqual({ A: 60, B: 40, C: 20 });
  });

  it("reads the same model from JSON", () => {
    const r = parseScoringModel(
      JSON.stringify({ id: "m1", name: "Minimal", version: 1, status: "published", default: true }),
      "json",
    );
    expect(r.ok && r.value.status).toBe("published");
  });

  it("gives the path and the YAML line of each problem", () => {
    const text = [
      "id: m1", // 1
      "name: Broken", // 2
      "version: 1", // 3
      "fit:", // 4
      "  rules:", // 5
      "    - id: size", // 6
      "      when:", // 7
      "        all:", // 8
      "          - field: account.employees", // 9
      "            range: { min: 500, max: 10 }", // 10
      "          - field: account.industry", // 11
      "      points: 10", // 12
      "engagement:", // 13
      "  decay: { mode: half_life, days: -1 }", // 14
      "  rules:", // 15
      "    - id: pricing", // 16
      "      event: pricing_page_view", // 17
      "      points: 5", // 18
      "      colour: red", // 19
      "thresholds:", // 20
      "  - { id: mql, metric: total, action: become_mql }", // 21
    ].join("\n");
    const r = parseScoringModel(text, "yaml");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPath = Object.fromEntries(r.error.map((i) => [i.path, i]));
    expect(byPath["fit.rules.0.when.all.0.range"]?.line).toBe(10);
    expect(byPath["fit.rules.0.when.all.0.range"]?.message).toMatch(/min must not exceed max/);
    expect(byPath["fit.rules.0.when.all.1"]?.line).toBe(11);
    expect(byPath["fit.rules.0.when.all.1"]?.message).toMatch(/needs one operator/);
    expect(byPath["engagement.decay.days"]?.line).toBe(14);
    expect(byPath["engagement.rules.0.colour"]).toMatchObject({ line: 19, message: "unknown field" });
    expect(byPath["thresholds.0"]?.line).toBe(21);
  });

  it("reports YAML syntax errors with their line", () => {
    const r = parseScoringModel("id: m1\nname: [unclosed\nversion: 1\n", "yaml");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it("finds lines in JSON documents too", () => {
    const r = parseScoringModel('{\n  "id": "m1",\n  "name": "J",\n  "version": "one"\n}', "json");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error[0]).toMatchObject({ path: "version", line: 4 });
  });

  it("rejects duplicate rule ids, unknown groups and wrong signs", () => {
    const r = validateScoringModel({
      id: "m1",
      name: "x",
      version: 1,
      fit: {
        rules: [{ id: "a", group: "nope", when: { field: "account.industry", equals: "x" }, points: 5 }],
      },
      engagement: { rules: [{ id: "a", event: "page_view", points: -1 }] },
      negative: { rules: [{ id: "n", when: { field: "contact.unsubscribed", equals: true }, points: 10 }] },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.error.map((i) => i.path);
    expect(paths).toContain("fit.rules.0.group");
    expect(paths).toContain("engagement.rules.0.points");
    expect(paths.some((p) => p.startsWith("negative.rules.0"))).toBe(true);
  });

  it("rejects conditions with two operators and invalid patterns", () => {
    const r = validateScoringModel({
      id: "m1",
      name: "x",
      version: 1,
      fit: {
        rules: [
          { id: "a", when: { field: "account.industry", equals: "x", in: ["y"] }, points: 5 },
          { id: "b", when: { any: [{ field: "contact.email", pattern: "([" }] }, points: 5 },
        ],
      },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.find((i) => i.path === "fit.rules.0.when")?.message).toMatch(/several operators/);
    expect(r.error.find((i) => i.path === "fit.rules.1.when.any.0.pattern")?.message).toMatch(
      /regular expression/,
    );
  });

  it("says an empty document is empty", () => {
    const r = parseScoringModel("", "yaml");
    expect(r.ok).toBe(false);
  });
});
