import type { ElementId, EvidenceState } from "../src/core/qualification/elements.ts";
import type {
  AccountFacts,
  ContactFacts,
  EvidenceRecord,
  Scorecard,
} from "../src/core/qualification/evidence.ts";

/** The date every fixture is judged at. */
export const NOW = "2026-03-02T12:00:00.000Z";

type Spec = EvidenceState | (Partial<Omit<EvidenceRecord, "element">> & { readonly state: EvidenceState });

/** Builds an evidence record with sensible defaults: `rec("budget", { state: "verified", qualifier: "allocated" })`. */
export function rec(element: ElementId, spec: Spec): EvidenceRecord {
  const s = typeof spec === "string" ? { state: spec } : spec;
  return {
    element,
    quote: s.state === "unknown" ? null : `about ${element}`,
    source: "call",
    recordedBy: "rep.test",
    recordedAt: "2026-03-01T10:00:00.000Z",
    ...s,
  };
}

/** A scorecard from element specs: `card({ need: "verified", budget: { state: "claimed", qualifier: "capacity" } })`. */
export function card(
  evidence: Partial<Record<ElementId, Spec>>,
  facts: { account?: AccountFacts; contact?: ContactFacts } = {},
): Scorecard {
  const out: Partial<Record<ElementId, EvidenceRecord>> = {};
  for (const [element, spec] of Object.entries(evidence) as [ElementId, Spec][])
    out[element] = rec(element, spec);
  return { evidence: out, ...facts };
}

/** Every element of every built-in framework verified: a prospect that passes any framework. */
export const ALL_VERIFIED: Partial<Record<ElementId, Spec>> = {
  need: { state: "verified", qualifier: "productivity" },
  metrics: "verified",
  interest: "verified",
  goals: "verified",
  plans: "verified",
  negative_consequences: "verified",
  positive_implications: "verified",
  competition: "verified",
  timeline: { state: "verified", date: "2026-04-15" },
  prioritization: { state: "verified", qualifier: "top" },
  budget: { state: "verified", qualifier: "allocated" },
  authority: "verified",
  economic_buyer: "verified",
  champion: "verified",
  decision_criteria: "verified",
  decision_process: "verified",
  paper_process: "verified",
};
