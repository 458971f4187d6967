import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readSignals } from "../src/core/signals/index.ts";

// Explainability: every rule id a result can carry is documented in docs/signals.md. The rules that
// fire on the bench set and the PRODUCT.md leads are collected and looked up.

const doc = readFileSync(resolve(import.meta.dirname, "../docs/signals.md"), "utf8");
const bench = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../bench/data/signals-labelled.json"), "utf8"),
) as {
  notes: { text: string; date: string; previous?: { text: string; date: string }[] }[];
};

describe("docs/signals.md", () => {
  it("documents every rule that fires", () => {
    const seen = new Set<string>();
    for (const n of bench.notes) {
      const r = readSignals(n.text, { date: n.date, ...(n.previous ? { previous: n.previous } : {}) });
      for (const x of [...r.evidence, ...r.goodSigns, ...r.redFlags]) seen.add(x.rule);
    }
    expect(seen.size).toBeGreaterThan(40);
    const documented = (rule: string) => {
      const [family, name] = rule.split(".");
      return (
        doc.includes(`\`${rule}\``) ||
        (doc.includes(`\`${family}.`) && doc.includes(`.${name}\``)) ||
        doc.includes(`\`.${name}\``)
      );
    };
    expect([...seen].filter((r) => !documented(r))).toEqual([]);
  });
});
