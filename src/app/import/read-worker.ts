// The worker thread of an import read in parallel (read-in-worker.ts): reads the CSV that the main
// thread hands over chunk by chunk, and answers each "next" with the RowReader's next event, having
// read it ahead (one batch) while the main thread was writing the previous one.
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { parentPort, workerData } from "node:worker_threads";
import { isWinnowError } from "../../core/errors.ts";
import { KeyFilter, prepareLeadBatch } from "../../storage/repositories/bulk-lead-batch.ts";
import type { FromMain, ReaderSetup, ToMain } from "./read-in-worker.ts";
import { type ReadEvent, RowReader } from "./read-rows.ts";
import { leadParts, type ValidRow } from "./rows.ts";

const port = parentPort;
if (!port) throw new Error("read-worker.ts runs as a worker thread");
const setup = workerData as ReaderSetup;
const post = (message: ToMain) => port.postMessage(message);

// The file: read here from its path (1 MB at a time), or pulled from the main thread one part at a
// time as the parser asks for more.
const handed = setup.path
  ? null
  : new Readable({
      read() {
        post({ kind: "more" });
      },
    });
const source = handed ?? createReadStream(setup.path as string, { highWaterMark: 1 << 20 });
const reader = new RowReader(source, setup);

let ended = false;
const end = () => {
  if (!ended) handed?.push(null);
  ended = true;
};

// The next event as JSON: one string crosses to the main thread (a memory copy), where JSON.parse
// rebuilds a batch about twice as fast as the structured clone of thousands of small objects would.
// A leads batch (setup.leads) comes prepared instead: its ids, COPY rows and lookup keys are made here
// (prepareLeadBatch), and its rows stay here, kept under a number until the main thread says whether
// it needs them (a key turns out stored: "rows") or not ("drop").
type Outgoing = { readonly message: ToMain; readonly transfer: ArrayBuffer[] };

/** The bytes in a buffer of their own, which can be moved to the main thread (small ones share a pool). */
const own = (b: Uint8Array): Uint8Array =>
  b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b);

const noPause = () => Promise.resolve();

/**
 * The rows of the prepared batches the main thread has not answered for yet. It answers for each
 * batch once its lookup is back, while at most the next one is prepared, so a handful at most; past
 * KEEP the oldest are let go (memory stays flat whatever the main thread does), and asking for them
 * then fails the import rather than guessing.
 */
const kept = new Map<number, ValidRow[]>();
const KEEP = 8;
let lastSeq = 0;

/**
 * An all-or-nothing import has met a rejected row: the main thread writes nothing from that batch on
 * (import-csv.ts), so preparing the rest would be work thrown away; they go as read.
 */
let refused = false;

/**
 * Every domain and email of every batch prepared here (a Bloom filter): whether a batch's keys may
 * have come before goes with it, and the main thread, where the engine runs, need not hash them.
 */
let seen: KeyFilter | null = null;

async function outgoing(event: ReadEvent | null): Promise<Outgoing> {
  const leads = setup.leads;
  if (leads?.allOrNothing && event?.kind === "batch" && event.rejects.length > 0) refused = true;
  if (!leads || refused || event === null || event.kind !== "batch" || event.rows.length === 0)
    return { message: { kind: "event", json: JSON.stringify(event) }, transfer: [] };
  const parts = leadParts(event.rows, leads);
  seen ??= new KeyFilter();
  const p = await prepareLeadBatch(parts.accounts, parts.contacts, parts.leads, leads.actor, {
    pause: noPause,
    seen,
    historyByDefault: leads.historyByDefault,
  });
  const batch = {
    ...p,
    accounts: own(p.accounts),
    contacts: own(p.contacts),
    leads: own(p.leads),
    history: own(p.history),
  };
  const transfer = [
    batch.accounts,
    batch.contacts,
    batch.leads,
    batch.history,
    ...(p.historyIdAt ? [p.historyIdAt] : []),
  ]
    .filter((b) => b.byteLength > 0)
    .map((b) => b.buffer as ArrayBuffer);
  lastSeq += 1;
  kept.set(lastSeq, event.rows);
  for (const old of kept.keys()) {
    if (kept.size <= KEEP) break;
    kept.delete(old);
  }
  const message: ToMain = {
    kind: "leads",
    json: JSON.stringify({ ...event, rows: [] }),
    seq: lastSeq,
    count: event.rows.length,
    merged: parts.merged,
    batch,
  };
  return { message, transfer };
}

let ahead: Promise<Outgoing> | null = null;
const readAhead = (): Promise<Outgoing> => {
  const next = reader.next().then(outgoing);
  // Rethrown when the main thread asks for this event; this only keeps it from being "unhandled".
  next.catch(() => undefined);
  ahead = next;
  return next;
};

port.on("message", async (m: FromMain) => {
  if (m.kind === "chunk") {
    if (ended) return;
    handed?.push(m.chunk);
    if (m.last) end();
  } else if (m.kind === "end") end();
  else if (m.kind === "rows") {
    // A prepared batch with a stored key: its rows, as JSON, for the three statements.
    const rows = kept.get(m.seq);
    kept.delete(m.seq);
    post({ kind: "rows", seq: m.seq, json: rows ? JSON.stringify(rows) : null });
  } else if (m.kind === "drop") kept.delete(m.seq);
  else if (m.kind === "next") {
    try {
      const { message, transfer } = await (ahead ?? readAhead());
      ahead = null;
      port.postMessage(message, transfer);
      if (message.kind !== "event" || message.json !== "null") readAhead();
    } catch (error) {
      ahead = null;
      if (isWinnowError(error))
        post({ kind: "winnow-error", code: error.code, message: error.message, issues: error.issues });
      else post({ kind: "failed", message: error instanceof Error ? error.message : String(error) });
    }
  }
});
