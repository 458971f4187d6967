import { describe, expect, it } from "vitest";
import type { EventInput, IngestOutcome } from "../storage/ports.ts";
import { createEventBatcher } from "./event-batcher.ts";

const ev = (leadId: string, key: string): EventInput => ({
  key,
  leadId,
  type: "page_view",
  occurredAt: "2026-01-01T00:00:00Z",
});

/** A stand-in store with the real contract: a batch is all-or-nothing; keys are stored once. */
function store() {
  const keys = new Map<string, string>();
  const calls: number[] = [];
  const ingest = async (batch: readonly EventInput[]): Promise<IngestOutcome[]> => {
    calls.push(batch.length);
    await new Promise((r) => setTimeout(r, 5));
    if (batch.some((e) => e.leadId === "missing")) throw new Error("lead missing does not exist");
    return batch.map((e, index) => {
      const key = e.key ?? `auto-${keys.size}`;
      const seen = keys.get(key);
      if (seen) return { index, id: seen, status: "duplicate" as const };
      keys.set(key, `id-${key}`);
      return { index, id: `id-${key}`, status: "created" as const };
    });
  };
  return { ingest, calls, keys };
}

describe("event batcher (group commit)", () => {
  it("stores concurrent requests together and answers each with its own outcomes", async () => {
    const s = store();
    const b = createEventBatcher(s.ingest);
    const results = await Promise.all([
      b.ingest([ev("l1", "a")]),
      b.ingest([ev("l1", "b"), ev("l2", "c")]),
      b.ingest([ev("l1", "a")]),
      b.ingest([ev("l3", "d")]),
    ]);
    expect(s.calls.length).toBeLessThan(4);
    expect(results[1]).toEqual([
      { index: 0, id: "id-b", status: "created" },
      { index: 1, id: "id-c", status: "created" },
    ]);
    expect(results[0]?.[0]).toMatchObject({ index: 0, id: "id-a", status: "created" });
    expect(results[2]?.[0]).toMatchObject({ index: 0, id: "id-a", status: "duplicate" });
    expect(s.keys.size).toBe(4);
  });

  it("isolates a failing request: the others are still stored", async () => {
    const s = store();
    const b = createEventBatcher(s.ingest);
    const first = b.ingest([ev("l1", "x")]);
    const [good, bad, other] = await Promise.allSettled([
      b.ingest([ev("l1", "y")]),
      b.ingest([ev("missing", "z")]),
      b.ingest([ev("l2", "w")]),
      first,
    ]);
    expect(good.status).toBe("fulfilled");
    expect(other.status).toBe("fulfilled");
    expect(bad.status).toBe("rejected");
    expect([...s.keys.keys()].sort()).toEqual(["w", "x", "y"]);
  });

  it("keeps at most `writers` writes in flight and answers every request", async () => {
    let inFlight = 0;
    let most = 0;
    const s = store();
    const b = createEventBatcher(
      async (batch) => {
        inFlight++;
        most = Math.max(most, inFlight);
        try {
          return await s.ingest(batch);
        } finally {
          inFlight--;
        }
      },
      3,
      2,
    );
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => b.ingest([ev("l1", `k${i}`)])));
    expect(most).toBe(2);
    expect(all.map((r) => r[0]?.id)).toEqual(Array.from({ length: 20 }, (_, i) => `id-k${i}`));
    // Groups of at most 3 events, so at least 7 writes; but fewer than one per request.
    expect(s.calls.every((n) => n <= 3)).toBe(true);
    expect(s.calls.length).toBeLessThan(20);
    // And one writer when asked for one.
    most = 0;
    const one = createEventBatcher(async (batch) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        return await s.ingest(batch);
      } finally {
        inFlight--;
      }
    });
    await Promise.all(Array.from({ length: 10 }, (_, i) => one.ingest([ev("l1", `m${i}`)])));
    expect(most).toBe(1);
  });
});
