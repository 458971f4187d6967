import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// Reads every import of src/ and checks the dependency directions of docs/architecture (and
// ../shared/ARCHITECTURE.md): core is pure, storage adapters are the only driver users, app never
// touches an adapter, and there are no import cycles.

const ROOT = resolve(import.meta.dirname, "..");
const SRC = join(ROOT, "src");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

type Import = { readonly spec: string; readonly typeOnly: boolean };

function importsOf(source: string): Import[] {
  const out: Import[] = [];
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/g;
  for (const m of source.matchAll(re)) out.push({ spec: m[3] ?? "", typeOnly: Boolean(m[2]) });
  for (const m of source.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g))
    out.push({ spec: m[1] ?? "", typeOnly: false });
  return out;
}

const files = walk(SRC);
const graph = new Map<string, { file: string; imports: (Import & { target?: string })[] }>();
for (const file of files) {
  const rel = relative(SRC, file);
  const imports = importsOf(readFileSync(file, "utf8")).map((i) =>
    i.spec.startsWith(".") ? { ...i, target: relative(SRC, resolve(dirname(file), i.spec)) } : i,
  );
  graph.set(rel, { file: rel, imports });
}

const area = (rel: string) => rel.split("/")[0] ?? "";

describe("architecture", () => {
  it("parses imports, including type-only and dynamic ones", () => {
    const found = importsOf(
      `import type { A } from "./a.ts";\nimport { b } from "node:fs";\nconst c = await import("./c.ts");`,
    );
    expect(found).toEqual([
      { spec: "./a.ts", typeOnly: true },
      { spec: "node:fs", typeOnly: false },
      { spec: "./c.ts", typeOnly: false },
    ]);
  });

  it("keeps src/core pure: no node:*, no storage/app/http/cli", () => {
    const bad: string[] = [];
    for (const { file, imports } of graph.values()) {
      if (area(file) !== "core") continue;
      for (const i of imports) {
        if (i.spec.startsWith("node:") || ["fs", "path", "os", "child_process", "crypto"].includes(i.spec))
          bad.push(`${file} -> ${i.spec}`);
        if (i.target && area(i.target) !== "core") bad.push(`${file} -> ${i.spec}`);
        if (["pg", "@electric-sql/pglite", "fastify"].some((d) => i.spec === d || i.spec.startsWith(`${d}/`)))
          bad.push(`${file} -> ${i.spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("lets only storage adapters import database drivers", () => {
    const bad: string[] = [];
    for (const { file, imports } of graph.values()) {
      const adapter = file.startsWith("storage/pglite/") || file.startsWith("storage/postgres/");
      for (const i of imports) {
        const driver = i.spec === "pg" || i.spec.startsWith("@electric-sql/pglite");
        if (driver && !adapter && !i.typeOnly) bad.push(`${file} -> ${i.spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("lets storage import only types from core, and nothing from app/http/cli", () => {
    const bad: string[] = [];
    for (const { file, imports } of graph.values()) {
      if (area(file) !== "storage") continue;
      for (const i of imports) {
        if (!i.target) continue;
        const to = area(i.target);
        if (["app", "http", "cli"].includes(to)) bad.push(`${file} -> ${i.spec}`);
        // Errors are the one runtime import storage may take from core: adapters raise registry codes.
        if (to === "core" && !i.typeOnly && !/^core\/(errors|error-codes\/)/.test(i.target))
          bad.push(`${file} -> ${i.spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("keeps app on core and storage ports, never an adapter, http or cli", () => {
    const bad: string[] = [];
    for (const { file, imports } of graph.values()) {
      if (area(file) !== "app") continue;
      for (const i of imports) {
        if (!i.target) continue;
        if (/^storage\/(pglite|postgres)\//.test(i.target) || ["http", "cli"].includes(area(i.target)))
          bad.push(`${file} -> ${i.spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("has no import cycles (type-only imports excepted)", () => {
    const state = new Map<string, "visiting" | "done">();
    const cycles: string[] = [];
    const visit = (node: string, stack: string[]) => {
      if (state.get(node) === "done") return;
      if (state.get(node) === "visiting") {
        cycles.push([...stack.slice(stack.indexOf(node)), node].join(" -> "));
        return;
      }
      state.set(node, "visiting");
      for (const i of graph.get(node)?.imports ?? []) {
        if (i.target && !i.typeOnly && graph.has(i.target)) visit(i.target, [...stack, node]);
      }
      state.set(node, "done");
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });
});
