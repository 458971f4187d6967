import type { BehaviourEvent, Instant } from "../records.ts";
import type { ScoreResult, Scorer } from "./compile-model.ts";
import {
  insertEvent,
  instantMs,
  type PreparedLead,
  prepareEvent,
  prepareLead,
  type ScoreInput,
} from "./prepare.ts";
import type { Crossing } from "./thresholds.ts";

/** A lead's live scoring state: its ledger (prepared), when it was last scored and the result. */
export type LeadScoreState = {
  readonly scorer: Scorer;
  readonly lead: PreparedLead;
  readonly atMs: number;
  readonly score: ScoreResult;
};

export type ScoreUpdate = { readonly state: LeadScoreState; readonly crossings: readonly Crossing[] };

const toMs = (now: Instant | number) => (typeof now === "number" ? now : instantMs(now));

/**
 * Scores a lead for the first time; `atLeast` thresholds already met fire now.
 *
 * @example
 * const { state, crossings } = startScoring(scorer, { account, contact, lead, events: [] }, now);
 */
export function startScoring(scorer: Scorer, input: ScoreInput, now: Instant | number): ScoreUpdate {
  const lead = prepareLead(input);
  const atMs = toMs(now);
  const score = scorer.scorePrepared(lead, atMs);
  return { state: { scorer, lead, atMs, score }, crossings: scorer.crossings(null, score) };
}

/**
 * One new event: adds it to the lead's ledger, rescores from the ledger as of `now`, and reports the
 * thresholds crossed since the previous score. The result equals a full rescore of all events.
 *
 * @example
 * const next = applyEvent(state, { id: "e9", leadId: "l1", type: "demo_request", occurredAt: now, properties: {} }, now);
 * next.crossings; // [{ threshold: "mql", direction: "up", action: "become_mql", ... }]
 */
export function applyEvent(state: LeadScoreState, event: BehaviourEvent, now: Instant | number): ScoreUpdate {
  const lead: PreparedLead = { ...state.lead, events: insertEvent(state.lead.events, prepareEvent(event)) };
  return rescore(state, lead, toMs(now));
}

/** Rescores at a later time with no new event: engagement decays, `below` thresholds may fire. */
export function advanceTo(state: LeadScoreState, now: Instant | number): ScoreUpdate {
  return rescore(state, state.lead, toMs(now));
}

function rescore(state: LeadScoreState, lead: PreparedLead, atMs: number): ScoreUpdate {
  const score = state.scorer.scorePrepared(lead, atMs);
  return {
    state: { scorer: state.scorer, lead, atMs, score },
    crossings: state.scorer.crossings(state.score, score),
  };
}
