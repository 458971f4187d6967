/**
 * The canonical underlying facts that every framework reads. One evidence record per element;
 * frameworks are lenses over these (Budget = Money = Funds all read `budget`).
 */
export const ELEMENT_IDS = [
  // organization level (ICP fit)
  "territory",
  "industry",
  "company_size",
  "persona",
  // opportunity level
  "need",
  "metrics",
  "interest",
  "goals",
  "plans",
  "negative_consequences",
  "positive_implications",
  "competition",
  "timeline",
  "prioritization",
  // stakeholder level
  "budget",
  "authority",
  "economic_buyer",
  "champion",
  "decision_criteria",
  "decision_process",
  "paper_process",
] as const;

export type ElementId = (typeof ELEMENT_IDS)[number];

export const EVIDENCE_STATES = ["unknown", "claimed", "verified", "failed"] as const;
export type EvidenceState = (typeof EVIDENCE_STATES)[number];

export const EVIDENCE_SOURCES = ["call", "email", "form", "note", "import", "signal"] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];

export const LEVELS = ["organization", "opportunity", "stakeholder"] as const;
export type Level = (typeof LEVELS)[number];
