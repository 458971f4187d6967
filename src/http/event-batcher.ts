import type { EventInput, IngestOutcome } from "../storage/ports.ts";

type Pending = {
  readonly events: readonly EventInput[];
  readonly resolve: (outcomes: IngestOutcome[]) => void;
  readonly reject: (error: unknown) => void;
};

/**
 * Group commit for event ingest: requests that arrive while a write is in progress are stored
 * together in the next transaction, so 50 clients sending one event each cost a few transactions
 * instead of 50. Each request is still answered only after its events are committed (durable), and
 * keys keep retries idempotent. When a combined write fails (say one request names a lead that does
 * not exist), each request is retried on its own, so one bad request never fails the others.
 *
 * `writers` is how many writes may be in flight at once: with more than one, the next group is
 * written while the previous one commits instead of waiting behind it, but groups are smaller.
 * The events route uses one on both engines (see routes/events.ts for the measurements).
 */
export function createEventBatcher(
  ingest: (batch: readonly EventInput[]) => Promise<IngestOutcome[]>,
  maxEvents = 2000,
  writers = 1,
) {
  const queue: Pending[] = [];
  let running = 0;

  async function writeAlone(p: Pending): Promise<void> {
    try {
      p.resolve(await ingest(p.events));
    } catch (error) {
      p.reject(error);
    }
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) {
        const group: Pending[] = [];
        let size = 0;
        while (
          queue.length > 0 &&
          (group.length === 0 || size + (queue[0]?.events.length ?? 0) <= maxEvents)
        ) {
          const next = queue.shift() as Pending;
          group.push(next);
          size += next.events.length;
        }
        if (group.length === 1) {
          await writeAlone(group[0] as Pending);
          continue;
        }
        try {
          const outcomes = await ingest(group.flatMap((g) => g.events));
          let offset = 0;
          for (const g of group) {
            g.resolve(outcomes.slice(offset, offset + g.events.length).map((o, i) => ({ ...o, index: i })));
            offset += g.events.length;
          }
        } catch {
          for (const g of group) await writeAlone(g);
        }
      }
    } finally {
      running--;
      // A request queued after this writer's last look (while it resolved its group) is not left behind.
      if (queue.length > 0) start();
    }
  }

  function start(): void {
    if (running >= writers) return;
    running++;
    // Start on the next turn of the event loop: requests already received in this one join the
    // write (the embedded engine runs queries synchronously, so none arrive during it).
    setImmediate(() => void drain());
  }

  return {
    /** Stores `events` (possibly together with other requests' events); resolves once committed. */
    ingest(events: readonly EventInput[]): Promise<IngestOutcome[]> {
      return new Promise((resolve, reject) => {
        queue.push({ events, resolve, reject });
        start();
      });
    },
  };
}
