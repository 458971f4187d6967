import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { databaseConfig, readConfig } from "./config.ts";
import { isWinnowError } from "./core/errors.ts";

describe("config", () => {
  it("picks --db, then DATABASE_URL, then the embedded folder", () => {
    expect(databaseConfig({ env: {}, cwd: "/w" })).toEqual({ engine: "pglite", dataDir: "/w/.winnow" });
    expect(databaseConfig({ env: { DATABASE_URL: "postgres://u@h/db" }, cwd: "/w" })).toEqual({
      engine: "postgres",
      url: "postgres://u@h/db",
    });
    expect(databaseConfig({ env: { DATABASE_URL: "postgres://u@h/db" }, cwd: "/w", db: "data" })).toEqual({
      engine: "pglite",
      dataDir: "/w/data",
    });
    expect(databaseConfig({ env: {}, cwd: "/w", db: "memory://" })).toEqual({
      engine: "pglite",
      dataDir: "memory://",
    });
    expect(() => databaseConfig({ env: {}, cwd: "/w", db: "mysql://x" })).toThrow(/Unsupported database/);
  });

  it("reads the lifecycle configuration from WINNOW_LIFECYCLE_FILE and reports bad fields", () => {
    const dir = mkdtempSync(join(tmpdir(), "winnow-config-"));
    writeFileSync(
      join(dir, "ok.yaml"),
      "sla:\n  acceptWithinWorkingHours: 4\ncalendar:\n  timeZone: Europe/Paris\n  workdays: [1,2,3,4,5]\n  start: '09:00'\n  end: '18:00'\n",
    );
    const config = readConfig({ env: { WINNOW_LIFECYCLE_FILE: "ok.yaml" }, cwd: dir });
    expect([config.lifecycle.sla.acceptWithinWorkingHours, config.lifecycle.calendar.timeZone]).toEqual([
      4,
      "Europe/Paris",
    ]);
    writeFileSync(join(dir, "bad.yaml"), "sla:\n  acceptWithinWorkingHours: -1\n");
    try {
      readConfig({ env: { WINNOW_LIFECYCLE_FILE: "bad.yaml" }, cwd: dir });
      expect.unreachable();
    } catch (error) {
      expect(isWinnowError(error) && [error.code, error.issues[0]?.path]).toEqual([
        "WINNOW_ERR_LIFECYCLE_CONFIG",
        "sla.acceptWithinWorkingHours",
      ]);
    }
  });
});
