import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const WEB = resolve(import.meta.dirname, "../web/src");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|tsx)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe("web app source", () => {
  it("never renders text as HTML nor stores the key anywhere but sessionStorage", () => {
    const all = files(WEB);
    expect(all.length).toBeGreaterThan(10);
    for (const file of all) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toMatch(
        /dangerouslySetInnerHTML|\.innerHTML\s*=|outerHTML|insertAdjacentHTML|\beval\(/,
      );
      expect(text, file).not.toMatch(/localStorage|document\.cookie/);
    }
  });

  it("reads lists a page at a time: every lead list request carries a limit", () => {
    const leads = readFileSync(join(WEB, "api/leads.ts"), "utf8");
    expect(leads).toMatch(/"\/v1\/leads", \{[\s\S]*?limit,[\s\S]*?cursor,/);
  });
});
