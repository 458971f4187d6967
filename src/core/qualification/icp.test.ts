import { describe, expect, it } from "vitest";
import { evaluateIcp, parseIcpProfile } from "./icp.ts";

const PROFILE = parseIcpProfile({
  territories: { countries: ["PL", "DE"], regions: ["Nordics"] },
  industries: ["software", "logistics"],
  employees: { min: 50, max: 2000 },
  personas: { seniorities: ["manager", "director", "vp", "c_level"], titleKeywords: ["sales", "revenue"] },
  exclusions: { industries: ["gambling"], domains: ["competitor.example"] },
});

describe("evaluateIcp", () => {
  if (!PROFILE.ok) throw new Error(JSON.stringify(PROFILE.error));
  const icp = PROFILE.value;

  it("matches a fitting account and contact", () => {
    const r = evaluateIcp(icp, {
      account: { country: "pl", industry: "Software", employees: 300 },
      contact: { seniority: "director", title: "Head of Sales" },
    });
    expect(r.fit).toBe("match");
    expect(r.checks.map((c) => c.check)).toEqual([
      "exclusion",
      "territory",
      "industry",
      "employees",
      "persona",
    ]);
  });

  it("gives a reason for each mismatch", () => {
    const r = evaluateIcp(icp, {
      account: { country: "BR", industry: "gambling", employees: 12, domain: "eu.competitor.example" },
      contact: { seniority: "intern", title: "Sales intern" },
    });
    expect(r.fit).toBe("mismatch");
    const reasons = Object.fromEntries(r.checks.map((c) => [c.check, `${c.status}: ${c.reason}`]));
    expect(reasons["exclusion"]).toBe(
      'mismatch: industry "gambling" is excluded; domain "eu.competitor.example" is excluded',
    );
    expect(reasons["territory"]).toBe("mismatch: BR is outside our territory (PL, DE, Nordics)");
    expect(reasons["industry"]).toMatch(/^mismatch: industry "gambling" is not one of/);
    expect(reasons["employees"]).toBe("mismatch: 12 employees is below the ICP range 50-2000");
    expect(reasons["persona"]).toContain("seniority intern is not one of");
  });

  it("treats a missing fact as unknown, not a mismatch", () => {
    const r = evaluateIcp(icp, { account: { region: "Nordics" } });
    expect(r.fit).toBe("unknown");
    expect(r.checks.find((c) => c.check === "territory")?.status).toBe("match");
    expect(r.checks.find((c) => c.check === "industry")?.status).toBe("unknown");
  });

  it("validates the profile with paths", () => {
    const bad = parseIcpProfile({
      employees: { min: 500, max: 10 },
      industries: [],
      personas: { seniorities: ["boss"] },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.error.map((i) => i.path).sort()).toEqual([
        "employees",
        "industries",
        "personas.seniorities.0",
      ]);
  });
});
