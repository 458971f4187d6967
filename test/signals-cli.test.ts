import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { winnow } from "./helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "winnow-signals-"));
writeFileSync(
  join(dir, "lead.txt"),
  "Opening a support desk with 12 agents, growing to 20.\nThey need ticketing, live chat and a knowledge base.\nOffers due 4 May; vendor chosen 8 May.\n",
);
writeFileSync(join(dir, "first.txt"), "The budget is approved.");
writeFileSync(join(dir, "second.txt"), "They have no budget for it now.");

describe("winnow signals", () => {
  it("prints evidence, good signs, red flags and questions with quotes and line:column", async () => {
    const r = await winnow(["signals", "lead.txt", "--date", "2026-04-20"], {}, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Evidence (");
    expect(r.stdout).toContain('3:12 "4 May"');
    expect(r.stdout).toContain("short decision window");
    expect(r.stdout).toContain("Questions to ask next");
    expect(r.stdout).toMatch(/1\. Proposals are due 4 May/);
  });

  it("--json prints the result and the evidence suggestions", async () => {
    const r = await winnow(["signals", "lead.txt", "--date", "2026-04-20", "--json"], {}, dir);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.date).toBe("2026-04-20");
    expect(out.redFlags[0].signal).toBe("short_decision_window");
    expect(out.suggestions.find((s: { element: string }) => s.element === "decision_criteria")).toMatchObject(
      {
        state: "claimed",
        source: "signal",
        rule: "criteria.list",
      },
    );
  });

  it("--previous compares with earlier notes", async () => {
    const r = await winnow(
      ["signals", "second.txt", "--date", "2026-05-20", "--previous", "first.txt@2026-05-01", "--json"],
      {},
      dir,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).redFlags[0].rule).toBe("inconsistency.budget");
  });

  it("fails cleanly on a missing file, a bad date and a bad --previous", async () => {
    const missing = await winnow(["signals", "nope.txt", "--date", "2026-05-20"], {}, dir);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain("WINNOW_ERR_FILE_NOT_FOUND");
    const bad = await winnow(["signals", "lead.txt", "--date", "20/05/2026"], {}, dir);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain("--date");
    const prev = await winnow(
      ["signals", "lead.txt", "--date", "2026-05-20", "--previous", "first.txt"],
      {},
      dir,
    );
    expect(prev.code).toBe(2);
    expect(prev.stderr).toContain("--previous[0]");
    const llm = await winnow(
      ["signals", "lead.txt", "--date", "2026-05-20", "--llm"],
      { WINNOW_LLM_BASE_URL: "", WINNOW_LLM_MODEL: "" },
      dir,
    );
    expect(llm.code).toBe(2);
    expect(llm.stderr).toContain("WINNOW_LLM_BASE_URL");
  });
});
