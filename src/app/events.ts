import type { ActivityInput, EventInput, IngestOutcome, Storage, StoredActivity } from "../storage/ports.ts";

/**
 * Stores a batch of behaviour events in one transaction. Idempotent: events carrying a client key
 * that is already stored come back as `duplicate` with the stored id, so a retried batch never
 * duplicates; an event naming an unknown lead rejects the whole batch (nothing written).
 */
export function ingestEvents(storage: Storage, batch: readonly EventInput[]): Promise<IngestOutcome[]> {
  return storage.events.ingest(batch);
}

/** Logs a contact attempt, meeting or note against a lead. */
export function logActivity(storage: Storage, input: ActivityInput): Promise<StoredActivity> {
  return storage.activities.create(input);
}
