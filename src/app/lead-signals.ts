import { WinnowError } from "../core/errors.ts";
import type { ElementId } from "../core/qualification/elements.ts";
import type { Id, Instant } from "../core/records.ts";
import { readSignals } from "../core/signals/read-signals.ts";
import { type EvidenceSuggestion, suggestEvidence } from "../core/signals/suggest-evidence.ts";
import type { PreviousNote, SignalsResult } from "../core/signals/types.ts";
import type { Storage } from "../storage/ports.ts";

/** One text that was read: an activity's body (call, meeting, note, e-mail) or the text given. */
export type ReadNote = {
  readonly activityId: Id | null;
  readonly type: string;
  readonly date: string;
  readonly result: SignalsResult;
};

/** A suggestion with the note it came from and the exact evidence edit that confirms it. */
export type LeadEvidenceSuggestion = EvidenceSuggestion & {
  readonly activityId: Id | null;
  /** Body for `POST /v1/leads/:id/scorecard/evidence` (the rep may change state or quote first). */
  readonly confirm: {
    readonly expectedVersion: number;
    readonly element: ElementId;
    readonly state: EvidenceSuggestion["state"];
    readonly quote: string;
    readonly source: "signal";
    /** Timeline records only: the date the buyer named. */
    readonly date?: string;
    readonly qualifier?: string;
    readonly note: string;
    readonly framework?: string;
  };
};

export type LeadSignals = {
  readonly leadId: Id;
  /** The scorecard version to pass back as `expectedVersion` (0 when the lead has none). */
  readonly scorecardVersion: number;
  readonly framework: string | null;
  readonly notes: readonly ReadNote[];
  /** One per element, the latest note deciding (people correct themselves as calls go on). */
  readonly suggestions: readonly LeadEvidenceSuggestion[];
  /** Elements the scorecard already holds as verified, left out of the suggestions. */
  readonly alreadyVerified: readonly ElementId[];
};

export type LeadSignalsInput = {
  readonly leadId: Id;
  /** Read this text instead of the lead's activities (with the earlier notes as `previous`). */
  readonly text?: string;
  /** The text's date (default: today). */
  readonly date?: string;
  readonly lang?: string;
  readonly now: Instant;
};

const day = (at: Instant) => at.slice(0, 10);

/**
 * Reads a lead's discovery notes (activity bodies, oldest first, each with the earlier ones for
 * cross-call consistency) or a given text, and suggests evidence per element that a rep confirms
 * into the scorecard through the scorecard routes. Nothing is written here.
 *
 * @example
 * const r = await leadSignals(storage, { leadId: "lead-7", now: new Date().toISOString() });
 * r.suggestions[0].confirm; // { expectedVersion: 1, element: "budget", state: "claimed", quote: "$40k", ... }
 */
export async function leadSignals(storage: Storage, input: LeadSignalsInput): Promise<LeadSignals> {
  const [activities, scorecard] = await Promise.all([
    storage.activities.listForLead(input.leadId, { limit: 200 }),
    storage.scorecards.latest(input.leadId),
  ]);
  const written = activities
    .filter((a) => a.body !== null && a.body.trim().length > 0)
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));
  const texts: { activityId: Id | null; type: string; date: string; text: string }[] =
    input.text !== undefined
      ? [{ activityId: null, type: "text", date: input.date ?? day(input.now), text: input.text }]
      : written.map((a) => ({ activityId: a.id, type: a.type, date: day(a.occurredAt), text: a.body! }));
  if (texts.length === 0) {
    throw new WinnowError("WINNOW_ERR_SIGNALS_EMPTY_TEXT", {
      message: "The lead has no notes or activity text to read; send `text` to read one",
    });
  }
  const earlier: PreviousNote[] =
    input.text !== undefined ? written.map((a) => ({ text: a.body!, date: day(a.occurredAt) })) : [];
  const notes: ReadNote[] = [];
  for (const t of texts) {
    const result = readSignals(t.text, {
      date: t.date,
      previous: [...earlier],
      ...(input.lang ? { lang: input.lang } : {}),
    });
    notes.push({ activityId: t.activityId, type: t.type, date: t.date, result });
    earlier.push({ text: t.text, date: t.date });
  }
  const evidence = (scorecard?.evidence ?? {}) as Record<string, { state?: unknown } | undefined>;
  const verified = new Set(
    Object.entries(evidence)
      .filter(([, e]) => e?.state === "verified")
      .map(([k]) => k as ElementId),
  );
  const latest = new Map<ElementId, LeadEvidenceSuggestion>();
  const version = scorecard?.version ?? 0;
  for (const n of notes) {
    for (const s of suggestEvidence(n.result)) {
      if (verified.has(s.element)) continue;
      const value = n.result.evidence.find((e) => e.span.start === s.span.start && e.rule === s.rule)?.value;
      const named = s.element === "timeline" && value?.type === "date" ? value.date : null;
      latest.set(s.element, {
        ...s,
        activityId: n.activityId,
        confirm: {
          expectedVersion: version,
          element: s.element,
          state: s.state,
          quote: s.quote,
          source: "signal",
          ...(named ? { date: named } : {}),
          ...(s.qualifier ? { qualifier: s.qualifier } : {}),
          note: `${s.summary} (rule ${s.rule}, note of ${s.date})`,
          ...(scorecard ? { framework: scorecard.framework } : {}),
        },
      });
    }
  }
  return {
    leadId: input.leadId,
    scorecardVersion: version,
    framework: scorecard?.framework ?? null,
    notes,
    suggestions: [...latest.values()],
    alreadyVerified: [...verified].sort(),
  };
}
