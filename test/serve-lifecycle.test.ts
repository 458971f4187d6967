import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { winnow } from "./helpers/cli.ts";

// `winnow serve` reads the lifecycle configuration (SLAs, calendar, reasons) named by
// WINNOW_LIFECYCLE_FILE before it opens anything, so a bad file stops it with the path at fault.
describe("winnow serve and WINNOW_LIFECYCLE_FILE", () => {
  const dir = mkdtempSync(join(tmpdir(), "winnow-serve-lifecycle-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses an invalid lifecycle file with its problems, before starting", async () => {
    const file = join(dir, "lifecycle.yaml");
    writeFileSync(file, "sla:\n  acceptWithinWorkingHours: -3\n");
    const r = await winnow(["serve", "--db", "memory://", "--port", "0"], { WINNOW_LIFECYCLE_FILE: file });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("WINNOW_ERR_LIFECYCLE_CONFIG");
    expect(r.stderr).toContain("sla.acceptWithinWorkingHours");
  });

  it("says which lifecycle file it cannot read", async () => {
    const r = await winnow(["serve", "--db", "memory://", "--port", "0"], {
      WINNOW_LIFECYCLE_FILE: join(dir, "missing.yaml"),
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("missing.yaml");
  });
});
