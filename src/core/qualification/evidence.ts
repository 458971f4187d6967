import type { BuyingRole, Instant, Seniority } from "../records.ts";
import type { ElementId, EvidenceSource, EvidenceState } from "./elements.ts";

/**
 * What is known about one element of one opportunity: its state, the buyer's own words, where and
 * when it was heard and by whom. `qualifier` refines a known record (see ELEMENT_INFO); `date` is a
 * target date (YYYY-MM-DD) for `timeline`.
 *
 * @example
 * const budget: EvidenceRecord = {
 *   element: "budget", state: "verified", quote: "We set aside 40k for this in Q3",
 *   source: "call", recordedBy: "ana", recordedAt: "2026-03-02T10:00:00.000Z", qualifier: "allocated",
 * };
 */
export type EvidenceRecord = {
  readonly element: ElementId;
  readonly state: EvidenceState;
  /** The buyer's words, as said or written; null when nothing was said (e.g. state unknown). */
  readonly quote: string | null;
  readonly source: EvidenceSource;
  readonly recordedBy: string;
  readonly recordedAt: Instant;
  readonly note?: string;
  readonly qualifier?: string;
  readonly date?: string;
};

/** Account facts the ICP reads (a subset of the shared Account record, all optional). */
export type AccountFacts = {
  readonly name?: string | null;
  readonly domain?: string | null;
  readonly industry?: string | null;
  readonly employees?: number | null;
  readonly annualRevenue?: number | null;
  readonly country?: string | null;
  readonly region?: string | null;
};

/** Contact facts the persona check and role-fitted questions read. */
export type ContactFacts = {
  readonly name?: string | null;
  readonly title?: string | null;
  readonly seniority?: Seniority | null;
  readonly buyingRole?: BuyingRole | null;
};

/**
 * Everything recorded about one opportunity: evidence keyed by element (one record per element,
 * shown through any framework), plus the account and contact facts used by the ICP and personas.
 *
 * @example
 * const card: Scorecard = { framework: "bant", evidence: { need: { ... } }, account: { industry: "software" } };
 */
export type Scorecard = {
  readonly id?: string;
  readonly title?: string;
  /** The framework used when none is asked for. */
  readonly framework?: string;
  readonly account?: AccountFacts;
  readonly contact?: ContactFacts;
  readonly evidence: Readonly<Partial<Record<ElementId, EvidenceRecord>>>;
};

/**
 * The evidence for an element, or undefined when nothing was recorded (which means unknown).
 *
 * @example
 * evidenceOf(card, "budget")?.state ?? "unknown";
 */
export function evidenceOf(scorecard: Scorecard, element: ElementId): EvidenceRecord | undefined {
  return scorecard.evidence[element];
}

/**
 * A copy of the scorecard with one element's evidence replaced (the scorecard itself is not changed).
 *
 * @example
 * const next = withEvidence(card, { element: "metrics", state: "verified", quote: "4 hours a day", source: "call",
 *   recordedBy: "ana", recordedAt: "2026-03-02T10:00:00Z" });
 */
export function withEvidence(scorecard: Scorecard, record: EvidenceRecord): Scorecard {
  return { ...scorecard, evidence: { ...scorecard.evidence, [record.element]: record } };
}
