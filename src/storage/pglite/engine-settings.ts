import { PGlite } from "@electric-sql/pglite";

/**
 * Server settings the embedded engine starts with, on top of PGlite's own start parameters.
 *
 * shared_buffers: initdb writes 128 MB into postgresql.conf, and in PGlite that buffer pool is
 * allocated inside the WebAssembly memory of this process, which never shrinks: opening a
 * 20,000-lead database took RSS from ~125 to ~375 MB (WASM memory 198 MB), and a full rescore then
 * peaked at 512-528 MB (goal: under 500 MB). With 16 MB the WASM memory stays at its 128 MB minimum
 * (134 MB) and opening costs ~120 MB; pages that no longer fit come from the operating system's page
 * cache, for ~5% more CPU in a 200,000-lead rescore (docs/scoring.md, "PGlite memory").
 * wal_buffers follows (1/32 of shared_buffers).
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: "16MB",
};

/** PGlite's default start parameters with PGLITE_SETTINGS as `-c name=value` (command-line settings override postgresql.conf). */
export function pgliteStartParams(): string[] {
  return [
    ...PGlite.defaultStartParams,
    ...Object.entries(PGLITE_SETTINGS).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
  ];
}
