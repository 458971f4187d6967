import { describe, expect, it } from "vitest";
import type { EventInput, IngestOutcome } from "../storage/ports.ts";
import { createAfterIngestQueue } from "./after-ingest-queue.ts";

const ev = (key: string): EventInput => ({
  key,
  leadId: `lead-${key}`,
  type: "page_view",
  occurredAt: "2026-01-01T00:00:00Z",
});
const created = (n: number): IngestOutcome[] =>
  Array.from({ length: n }, (_, index) => ({ index, id: `id-${index}`, status: "created" as const }));

describe("after-ingest queue (background, coalesced)", () => {
  it("covers groups added while a run is busy in one next run, outcomes indexing the merged events", async () => {
    const runs: { keys: (string | null | undefined)[]; indexes: number[] }[] = [];
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const q = createAfterIngestQueue(
      async (events, outcomes) => {
        runs.push({ keys: events.map((e) => e.key), indexes: outcomes.map((o) => o.index) });
        if (runs.length === 1) await gate;
      },
      () => {},
    );
    const first = q.add([ev("a")], created(1));
    await new Promise((r) => setImmediate(r));
    // The first run is busy: these three groups wait and go together.
    const later = [
      q.add([ev("b"), ev("c")], created(2)),
      q.add([ev("d")], created(1)),
      q.add([ev("e"), ev("f")], created(2)),
    ];
    release();
    await Promise.all([first, ...later]);
    expect(runs).toEqual([
      { keys: ["a"], indexes: [0] },
      { keys: ["b", "c", "d", "e", "f"], indexes: [0, 1, 2, 3, 4] },
    ]);
    await q.idle();
  });

  it("reports a failed run and goes on; add() still resolves so that ?wait=score is answered", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const q = createAfterIngestQueue(
      async () => {
        calls++;
        if (calls === 1) throw new Error("rescoring broke");
      },
      (e) => errors.push(e),
    );
    await q.add([ev("x")], created(1));
    await q.add([ev("y")], created(1));
    expect(calls).toBe(2);
    expect(errors).toEqual([new Error("rescoring broke")]);
  });

  it("does nothing without work or events, and idle() resolves at once", async () => {
    const none = createAfterIngestQueue(undefined, () => {});
    await none.add([ev("z")], created(1));
    await none.idle();
    let calls = 0;
    const q = createAfterIngestQueue(
      async () => {
        calls++;
      },
      () => {},
    );
    await q.add([], []);
    await q.idle();
    expect(calls).toBe(0);
  });

  it("spaces runs by the gap unless a caller waits (urgent) or the queue is drained", async () => {
    let calls = 0;
    const q = createAfterIngestQueue(
      async () => {
        calls++;
      },
      () => {},
      60_000,
    );
    // The first run after a quiet spell starts at once.
    await q.add([ev("a")], created(1));
    expect(calls).toBe(1);
    // The next one waits for the gap (a minute here)...
    let covered = false;
    void q.add([ev("b")], created(1)).then(() => {
      covered = true;
    });
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect([calls, covered]).toEqual([1, false]);
    // ...unless a caller will wait for it (?wait=score): then it starts at once, covering both.
    await q.add([ev("c")], created(1), true);
    expect([calls, covered]).toEqual([2, true]);
    // Draining (shutdown, tests) does not wait for the gap either.
    void q.add([ev("d")], created(1));
    await q.idle();
    expect(calls).toBe(3);
  });
});
