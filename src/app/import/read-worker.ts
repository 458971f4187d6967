// The worker thread of an import read in parallel (read-in-worker.ts): reads the CSV that the main
// thread hands over chunk by chunk, and answers each "next" with the RowReader's next event, having
// read it ahead (one batch) while the main thread was writing the previous one.
import { Readable } from "node:stream";
import { parentPort, workerData } from "node:worker_threads";
import { isWinnowError } from "../../core/errors.ts";
import type { FromMain, ReaderSetup, ToMain } from "./read-in-worker.ts";
import { type ReadEvent, RowReader } from "./read-rows.ts";

const port = parentPort;
if (!port) throw new Error("read-worker.ts runs as a worker thread");
const setup = workerData as ReaderSetup;
const post = (message: ToMain) => port.postMessage(message);

// The file, pulled from the main thread one chunk at a time as the parser asks for more.
const source = new Readable({
  read() {
    post({ kind: "more" });
  },
});
const reader = new RowReader(source, setup);

let ended = false;
const end = () => {
  if (!ended) source.push(null);
  ended = true;
};

// The next event as JSON: one string crosses to the main thread (a memory copy), where JSON.parse
// rebuilds a batch about twice as fast as the structured clone of thousands of small objects would.
let ahead: Promise<string> | null = null;
const readAhead = (): Promise<string> => {
  const next = reader.next().then((event: ReadEvent | null) => JSON.stringify(event));
  // Rethrown when the main thread asks for this event; this only keeps it from being "unhandled".
  next.catch(() => undefined);
  ahead = next;
  return next;
};

port.on("message", async (m: FromMain) => {
  if (m.kind === "chunk") {
    if (ended) return;
    source.push(m.chunk);
    if (m.last) end();
  } else if (m.kind === "end") end();
  else if (m.kind === "next") {
    try {
      const json = await (ahead ?? readAhead());
      ahead = null;
      post({ kind: "event", json });
      if (json !== "null") readAhead();
    } catch (error) {
      ahead = null;
      if (isWinnowError(error))
        post({ kind: "winnow-error", code: error.code, message: error.message, issues: error.issues });
      else post({ kind: "failed", message: error instanceof Error ? error.message : String(error) });
    }
  }
});
