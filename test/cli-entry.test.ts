import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { winnow } from "./helpers/cli.ts";

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, "../bin/winnow.js");

describe("winnow entry", () => {
  it("lists commands with --help and exits 0", async () => {
    const r = await winnow(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("frameworks");
    expect(r.stdout).toContain("qualify");
  });

  it("rejects an unknown command with exit code 2", async () => {
    const r = await winnow(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });

  it("runs as a real process through bin/winnow.js", async () => {
    const { stdout } = await run(process.execPath, [BIN, "--help"]);
    expect(stdout).toContain("Usage: winnow <command>");
  });
});
