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
 *
 * The WAL settings below cut what a large import writes (docs/storage.md, "PGlite's WAL"). PGlite
 * runs one backend in single-user mode with fsync off (`-F`): no replica, no archive, no WAL
 * sender, and a commit is as durable as the writes that reach the operating system — which these
 * settings keep: a process killed after a commit finds it on reopening, one killed before finds
 * none of it (test/pglite-durability.test.ts).
 * - wal_level minimal (needs max_wal_senders 0): what crash recovery needs and no more. A relation
 *   file made in a transaction — the secondary indexes an import rebuilds — is written whole at
 *   commit instead of page by page into the WAL (200,000 new leads: 580 full-page images instead
 *   of 4,771, 201 MB of WAL instead of 230).
 * - wal_init_zero off: a new 16 MB WAL segment is not first filled with zeros (an import of
 *   1,000,000 leads fills 60-70 of them, 1 GB of zeros written then overwritten: PGlite's one
 *   backend takes no checkpoint while it runs, so none is recycled); its end is written and the
 *   rest reads as zeros, which recovery treats as the end of the WAL as before.
 * - wal_buffers 4 MB (default 1/32 of shared_buffers, 512 kB): with no WAL writer process, the
 *   one backend writes the WAL itself when the buffers are full; larger buffers let it write more
 *   pages per call (200,000 leads: 35,600 instead of 45,300 writes, pg_stat_io). 3.5 MB more WASM
 *   memory.
 * Together: 1,000,000 leads wrote 992 MB of WAL instead of 1,152, in 175,841 write calls instead
 * of 248,580 (pg_stat_io). The CPU saved is small: the engine's time goes to the rows
 * (docs/storage.md, "Where a PGlite import's time goes").
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: "16MB",
  wal_level: "minimal",
  max_wal_senders: "0",
  wal_init_zero: "off",
  wal_buffers: "4MB",
};

/** PGlite's default start parameters with PGLITE_SETTINGS as `-c name=value` (command-line settings override postgresql.conf). */
export function pgliteStartParams(): string[] {
  return [
    ...PGlite.defaultStartParams,
    ...Object.entries(PGLITE_SETTINGS).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
  ];
}
