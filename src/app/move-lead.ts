import { WinnowError } from "../core/errors.ts";
import type { LifecycleConfig } from "../core/lifecycle/config.ts";
import { acceptSlaBreach } from "../core/lifecycle/sla.ts";
import type { Stage } from "../core/lifecycle/stages.ts";
import { type MoveRequest, transition } from "../core/lifecycle/transition.ts";
import type { Instant } from "../core/records.ts";
import type { ReEntry, Repositories, SlaBreach, Storage, StoredLead } from "../storage/ports.ts";

export type MoveLeadInput = {
  readonly leadId: string;
  readonly to: Stage;
  readonly reason?: string | null;
  readonly reEntry?: Partial<ReEntry>;
  /** The version the caller read; omitted = whatever is current (the move is still atomic). */
  readonly expectedVersion?: number;
  readonly actor: string;
  readonly now: Instant;
};

export type MoveLeadResult = {
  readonly lead: StoredLead;
  readonly from: Stage;
  readonly breach: SlaBreach | null;
};

/**
 * Moves a lead inside an open transaction (`tx`): locks it, gathers what the guards read (latest
 * scorecard verdict, contact attempts, score), asks the lifecycle core, records an SLA breach when
 * an MQL is handled late, writes the stage and appends history. Throws the lifecycle's code.
 */
export async function moveLeadIn(
  tx: Repositories,
  input: MoveLeadInput,
  config: LifecycleConfig,
): Promise<MoveLeadResult> {
  const lead = await tx.leads.getForUpdate(input.leadId);
  if (!lead)
    throw new WinnowError("WINNOW_ERR_LEAD_NOT_FOUND", { message: `Lead ${input.leadId} does not exist` });
  if (input.expectedVersion !== undefined && input.expectedVersion !== lead.version) {
    throw new WinnowError("WINNOW_ERR_STALE_WRITE", {
      message: `Lead ${lead.id} is at version ${lead.version}, not ${input.expectedVersion}; reload and retry`,
      details: { id: lead.id, expectedVersion: input.expectedVersion, currentVersion: lead.version },
    });
  }
  const [scorecard, attempts, score] = await Promise.all([
    input.to === "sql" ? tx.scorecards.latest(lead.id) : null,
    input.reason?.trim() === "unreachable"
      ? tx.activities.listForLead(lead.id, { since: lead.stageEnteredAt })
      : [],
    lead.stage === "recycled" ? tx.leadScores.get(lead.id) : null,
  ]);
  const move: MoveRequest = {
    to: input.to,
    reason: input.reason ?? null,
    verdict: scorecard?.verdictOutcome ?? null,
    attempts,
    score: score ? score.fit + score.engagement : null,
    ...(input.reEntry ? { reEntry: input.reEntry } : {}),
  };
  const r = transition(lead, move, input.now, config);
  if (!r.ok) {
    throw new WinnowError(r.error.code, {
      message: r.error.message,
      details: {
        leadId: lead.id,
        from: r.error.from,
        to: r.error.to,
        ...(r.error.allowed ? { allowed: r.error.allowed } : {}),
      },
    });
  }
  let breach: SlaBreach | null = null;
  const late = acceptSlaBreach(lead, input.now, config.calendar);
  if (late) {
    breach = await tx.slaBreaches.record({
      leadId: lead.id,
      sla: late.sla,
      ownerId: lead.ownerId,
      dueAt: late.dueAt,
      detectedAt: input.now,
      overdueSeconds: late.overdueSeconds,
      details: { overdueWorkingHours: late.overdueWorkingHours, handledAs: input.to },
    });
  }
  const moved = await tx.leads.changeStage(lead.id, lead.version, r.lead);
  await tx.history.append({
    leadId: lead.id,
    kind: "stage",
    actor: input.actor,
    at: input.now,
    reason: r.lead.reason,
    before: { stage: lead.stage },
    after: { stage: r.lead.stage, ...(r.lead.reEntry ? { reEntry: r.lead.reEntry } : {}) },
  });
  return { lead: moved, from: lead.stage, breach };
}

/** Moves a lead in its own transaction: all of it (stage, history, breach) or nothing. */
export function moveLead(
  storage: Storage,
  input: MoveLeadInput,
  config: LifecycleConfig,
): Promise<MoveLeadResult> {
  return storage.transaction((tx) => moveLeadIn(tx, input, config));
}

/**
 * Records a breach for every MQL whose accept-or-reject SLA fell due before `now` (run it on a
 * schedule). Each breach is recorded once; returns the new ones.
 */
export async function sweepSlaBreaches(
  storage: Storage,
  now: Instant,
  config: LifecycleConfig,
  limit = 1000,
): Promise<SlaBreach[]> {
  const due = await storage.leads.listSlaDue("mql", now, limit);
  const out: SlaBreach[] = [];
  for (const lead of due) {
    const late = acceptSlaBreach(lead, now, config.calendar);
    if (!late) continue;
    const recorded = await storage.slaBreaches.record({
      leadId: lead.id,
      sla: late.sla,
      ownerId: lead.ownerId,
      dueAt: late.dueAt,
      detectedAt: now,
      overdueSeconds: late.overdueSeconds,
      details: { overdueWorkingHours: late.overdueWorkingHours, handledAs: null },
    });
    if (recorded) out.push(recorded);
  }
  return out;
}
