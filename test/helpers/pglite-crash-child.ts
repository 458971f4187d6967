// A process for test/pglite-durability.test.ts to kill: imports leads into an embedded database
// folder, then stops dead (no close, so no shutdown checkpoint) and waits for SIGKILL.
//   node bin/run-ts.js test/helpers/pglite-crash-child.ts <folder> <csv> after-commit|mid-import
// Prints "ready" (fs.writeSync: on the pipe before the process blocks) once it is where the test
// wants to kill it: after the import's commit, or while the import's transaction is open with
// rows written (the main thread then blocks, so nothing more reaches the engine).
import { createReadStream, writeSync } from "node:fs";
import { importCsv } from "../../src/app/import/index.ts";
import { openStorage } from "../../src/storage/open.ts";

const [folder, csv, mode] = process.argv.slice(2);
if (!folder || !csv || (mode !== "after-commit" && mode !== "mid-import")) {
  process.stderr.write("usage: pglite-crash-child.ts <folder> <csv> after-commit|mid-import\n");
  process.exit(2);
}
const stopHere = () => {
  writeSync(1, "ready\n");
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
};
const storage = await openStorage({ engine: "pglite", dataDir: folder });
let batches = 0;
await importCsv(storage, createReadStream(csv), {
  as: "leads",
  now: "2026-03-01T00:00:00.000Z",
  actor: "crash-test",
  batchSize: 1000,
  onProgress: () => {
    batches += 1;
    if (mode === "mid-import" && batches === 3) stopHere();
  },
});
stopHere();
