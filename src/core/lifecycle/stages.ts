/**
 * The funnel: new → MQL → SAL → SQL → opportunity → won / lost, with recycled (back to nurture)
 * and disqualified as side states. PQL and CQL are entry paths (how a lead came in), not stages.
 */
export const STAGES = [
  "new",
  "mql",
  "sal",
  "sql",
  "opportunity",
  "won",
  "lost",
  "recycled",
  "disqualified",
] as const;
export type Stage = (typeof STAGES)[number];

/** How a lead entered: the ordinary marketing path, a product signal (trial/freemium), or a website conversion. */
export const ENTRY_PATHS = ["standard", "pql", "cql"] as const;
export type EntryPath = (typeof ENTRY_PATHS)[number];
