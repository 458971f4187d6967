import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { winnow } from "./helpers/cli.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CEO = "examples/fortune-1000-ceo-email-templates.json";
const dir = mkdtempSync(join(tmpdir(), "winnow-qualify-"));
const write = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe("winnow frameworks", () => {
  it("lists every framework with criteria by level", async () => {
    const r = await winnow(["frameworks"], {}, ROOT);
    expect(r.code).toBe(0);
    for (const name of ["BANT", "MEDDIC", "MEDDPICC", "CHAMP", "ANUM", "FAINT", "GPCTBA/C&I"])
      expect(r.stdout).toContain(name);
    expect(r.stdout).toContain("opportunity level:");
    expect(r.stdout).toContain("stakeholder level:");
  });
  it("--json gives criteria grouped by level", async () => {
    const r = await winnow(["frameworks", "--json"], {}, ROOT);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as {
      id: string;
      levels: Record<string, { id: string; required: boolean }[]>;
    }[];
    expect(list.map((f) => f.id)).toEqual([
      "bant",
      "meddic",
      "meddpicc",
      "champ",
      "anum",
      "faint",
      "gpctba-ci",
    ]);
    expect(list[0]?.levels["stakeholder"]?.map((c) => c.id)).toEqual(["authority"]);
  });
  it("unknown framework: exit 4", async () => {
    const r = await winnow(["frameworks", "spiced"], {}, ROOT);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("WINNOW_ERR_FRAMEWORK_NOT_FOUND");
  });
});

describe("winnow questions", () => {
  it("prints the questions of one criterion", async () => {
    const r = await winnow(["questions", "faint", "--criterion", "funds", "--json"], {}, ROOT);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      criteria: { criterion: string; questions: { element: string; focus?: string }[] }[];
    };
    expect(out.criteria).toHaveLength(1);
    expect(out.criteria[0]?.questions.length).toBeGreaterThanOrEqual(4);
    expect(out.criteria[0]?.questions.some((q) => q.focus === "capacity")).toBe(true);
    expect(out.criteria[0]?.questions.some((q) => q.focus === "allocated")).toBe(false);
  });
  it("rejects an unknown criterion (4) and a language not written yet (4)", async () => {
    expect((await winnow(["questions", "bant", "--criterion", "pain"], {}, ROOT)).code).toBe(4);
    const r = await winnow(["questions", "bant", "--lang", "es"], {}, ROOT);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("WINNOW_ERR_LANGUAGE_NOT_AVAILABLE");
  });
  it("--check flags closed questions in a custom library and suggests an open form", async () => {
    const file = write(
      "mine.json",
      JSON.stringify([
        { element: "prioritization", text: "Is this a priority?" },
        { element: "need", text: "What keeps you up at night about billing?" },
      ]),
    );
    const r = await winnow(["questions", "--check", file], {}, ROOT);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("0.text [closed]");
    expect(r.stdout).toContain("Where does this fall among your priorities");
  });
});

describe("winnow qualify", () => {
  it("the CEO example: BANT advances (exit 0)", async () => {
    const r = await winnow(["qualify", CEO, "--now", "2026-03-02"], {}, ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("BANT: ADVANCE");
  });
  it("the CEO example through MEDDIC: disqualify (exit 13) with the reason", async () => {
    const r = await winnow(["qualify", CEO, "--framework", "meddic", "--json"], {}, ROOT);
    expect(r.code).toBe(13);
    const v = JSON.parse(r.stdout) as {
      outcome: string;
      failedLevel: string;
      reasons: { criterion: string; code: string }[];
    };
    expect(v).toMatchObject({ outcome: "disqualify", failedLevel: "opportunity" });
    expect(v.reasons.map((x) => x.code)).toContain("need_want");
  });
  it("several frameworks side by side: the first decides the exit code", async () => {
    const r = await winnow(["qualify", CEO, "--framework", "meddic,bant", "--json"], {}, ROOT);
    expect(r.code).toBe(13);
    expect((JSON.parse(r.stdout) as { outcome: string }[]).map((v) => v.outcome)).toEqual([
      "disqualify",
      "advance",
    ]);
  });
  it("exit codes for keep qualifying (10), nurture (11) and disqualify contact (12)", async () => {
    const base = { source: "call", recordedBy: "me", recordedAt: "2026-03-01T10:00:00Z", quote: "..." };
    const full = {
      budget: { ...base, state: "verified", qualifier: "allocated" },
      need: { ...base, state: "verified" },
      timeline: { ...base, state: "claimed", date: "2026-04-01" },
      authority: { ...base, state: "verified" },
    };
    const empty = write("empty.json", JSON.stringify({ evidence: {} }));
    const later = write(
      "later.json",
      JSON.stringify({ evidence: { ...full, timeline: { ...base, state: "claimed", date: "2027-06-01" } } }),
    );
    const contact = write(
      "contact.json",
      JSON.stringify({ evidence: { ...full, authority: { ...base, state: "failed" } } }),
    );
    expect((await winnow(["qualify", empty], {}, ROOT)).code).toBe(10);
    expect((await winnow(["qualify", later, "--now", "2026-03-02"], {}, ROOT)).code).toBe(11);
    expect((await winnow(["qualify", contact], {}, ROOT)).code).toBe(12);
  });
  it("a custom framework file and an ICP file", async () => {
    const fw = write(
      "lite.json",
      JSON.stringify({
        id: "lite",
        name: "Lite",
        criteria: [{ id: "pain", name: "Pain", elements: ["need"], level: "opportunity" }],
      }),
    );
    const icp = write("icp.json", JSON.stringify({ industries: ["software"] }));
    const r = await winnow(["qualify", CEO, "--framework", fw, "--icp", icp, "--json"], {}, ROOT);
    expect(r.code).toBe(13);
    const v = JSON.parse(r.stdout) as {
      framework: { id: string };
      failedLevel: string;
      reasons: { code: string }[];
    };
    expect(v.framework.id).toBe("lite");
    expect(v.failedLevel).toBe("organization");
    expect(v.reasons[0]?.code).toBe("icp_industry_mismatch");
  });
  it("a malformed scorecard: exit 3, JSON path, line and column", async () => {
    const file = write(
      "bad.json",
      '{\n  "evidence": {\n    "budget": {\n      "state": "probably",\n      "source": "call",\n      "recordedBy": "me",\n      "recordedAt": "2026-03-01"\n    }\n  }\n}\n',
    );
    const r = await winnow(["qualify", file], {}, ROOT);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("WINNOW_ERR_INVALID_SCORECARD");
    expect(r.stderr).toContain("line 4, column 7 (evidence.budget.state)");
  });
  it("an unknown element and a missing field are named by path", async () => {
    const file = write(
      "bad2.json",
      JSON.stringify(
        { evidence: { buget: {}, need: { state: "claimed", source: "call", recordedAt: "2026-03-01" } } },
        null,
        2,
      ),
    );
    const r = await winnow(["qualify", file], {}, ROOT);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("(evidence.buget): unknown element");
    expect(r.stderr).toContain("(evidence.need.recordedBy): required");
  });
  it("a JSON syntax error: exit 3 with line and column", async () => {
    const file = write("syntax.json", '{\n  "evidence": {\n    "need": }\n}\n');
    const r = await winnow(["qualify", file], {}, ROOT);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("WINNOW_ERR_INVALID_JSON");
    expect(r.stderr).toContain("line 3, column 13");
  });
  it("an invalid custom framework or ICP file: exit 3 with the path, line and column", async () => {
    const fw = write(
      "bad-fw.json",
      '{\n  "id": "mine",\n  "name": "Mine",\n  "criteria": [\n    { "id": "a", "name": "A", "elements": ["pain"], "level": "opportunity" }\n  ]\n}\n',
    );
    const r = await winnow(["qualify", CEO, "--framework", fw], {}, ROOT);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("WINNOW_ERR_INVALID_FRAMEWORK");
    expect(r.stderr).toContain("line 5, column 44 (criteria.0.elements.0)");
    const icp = write("bad-icp.json", JSON.stringify({ employees: { min: "fifty" } }));
    const r2 = await winnow(["qualify", CEO, "--icp", icp], {}, ROOT);
    expect(r2.code).toBe(3);
    expect(r2.stderr).toContain("(employees.min)");
  });
  it("usage errors: exit 2", async () => {
    expect((await winnow(["qualify", CEO, "--framework", ","], {}, ROOT)).code).toBe(2);
    expect((await winnow(["qualify", CEO, "--questions", "many"], {}, ROOT)).code).toBe(2);
    expect((await winnow(["qualify", CEO, "--now", "someday"], {}, ROOT)).code).toBe(2);
  });
  it("a missing file: exit 4", async () => {
    const r = await winnow(["qualify", "no/such/file.json"], {}, ROOT);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("WINNOW_ERR_FILE_NOT_FOUND");
  });
});
