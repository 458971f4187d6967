import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ERRORS } from "../src/core/errors.ts";

describe("docs/errors.md", () => {
  const doc = readFileSync(resolve(import.meta.dirname, "../docs/errors.md"), "utf8");
  it("lists every error code of the registry", () => {
    const missing = Object.keys(ERRORS).filter((code) => !doc.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });
  it("gives every code a non-empty message and a real HTTP status", () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(spec.message.length, code).toBeGreaterThan(3);
      expect(spec.status >= 400 && spec.status < 600, code).toBe(true);
    }
  });
});
