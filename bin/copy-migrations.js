#!/usr/bin/env node
// Build step (`npm run build`): tsc compiles only TypeScript, so the migrations' .sql files are copied
// next to the compiled dist/storage/migrations/index.js, which reads them from its own folder.
// Usage: node bin/copy-migrations.js [from] [to]
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const from = resolve(process.argv[2] ?? join(root, "src/storage/migrations"));
const to = resolve(process.argv[3] ?? join(root, "dist/storage/migrations"));
const files = readdirSync(from).filter((f) => f.endsWith(".sql"));
if (files.length === 0) {
  console.error(`copy-migrations: no .sql files in ${from}`);
  process.exit(1);
}
mkdirSync(to, { recursive: true });
for (const f of files) copyFileSync(join(from, f), join(to, f));
console.error(`copy-migrations: ${files.length} migrations copied to ${to}`);
