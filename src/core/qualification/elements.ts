/**
 * The canonical underlying facts that every framework reads. One evidence record per element;
 * frameworks are lenses over these (Budget = Money = Funds all read `budget`).
 */
export const ELEMENT_IDS = [
  // organization level (ICP fit)
  "territory",
  "industry",
  "company_size",
  // who the contact is against the buyer personas (checked at the stakeholder level, see ELEMENT_INFO)
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
  // funds exist for this purchase: an opportunity fact (whose budget it is belongs to authority)
  "budget",
  // stakeholder level
  "authority",
  "economic_buyer",
  "champion",
  "decision_criteria",
  "decision_process",
  "paper_process",
  // added with the verdict: opportunity (who will use it, can they roll it out) and stakeholder
  "users",
  "implementation",
  "knowledge",
] as const;

export type ElementId = (typeof ELEMENT_IDS)[number];

export const EVIDENCE_STATES = ["unknown", "claimed", "verified", "failed"] as const;
export type EvidenceState = (typeof EVIDENCE_STATES)[number];

export const EVIDENCE_SOURCES = ["call", "email", "form", "note", "import", "signal"] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];

export const LEVELS = ["organization", "opportunity", "stakeholder"] as const;
export type Level = (typeof LEVELS)[number];

/** What one element means, the level it usually sits at, and the qualifiers a record may carry. */
export type ElementInfo = {
  readonly name: string;
  readonly level: Level;
  readonly description: string;
  /**
   * Finer readings of a known record that frameworks judge differently: FAINT accepts a budget
   * `capacity` (can pay, nothing set aside), BANT wants it `allocated`; MEDDIC rejects a need that
   * is only a `want`.
   */
  readonly qualifiers: readonly string[];
};

/**
 * The catalogue of elements.
 *
 * @example
 * ELEMENT_INFO.budget.qualifiers; // ["allocated", "capacity"]
 */
export const ELEMENT_INFO = {
  territory: {
    name: "Territory",
    level: "organization",
    description: "The company is in a country or region we sell to and can serve.",
    qualifiers: [],
  },
  industry: {
    name: "Industry",
    level: "organization",
    description: "The company works in an industry we sell to.",
    qualifiers: [],
  },
  company_size: {
    name: "Company size",
    level: "organization",
    description: "Head count or revenue fall in the range we serve.",
    qualifiers: [],
  },
  persona: {
    name: "Persona",
    level: "stakeholder",
    description: "The contact matches one of our buyer personas (title, seniority, role).",
    qualifiers: [],
  },
  need: {
    name: "Need / pain",
    level: "opportunity",
    description:
      "A specific problem our product solves, including trouble with the current solution. Pain is financial, support or productivity pain; a `want` is a wish with no problem behind it.",
    qualifiers: ["financial", "support", "productivity", "want"],
  },
  metrics: {
    name: "Metrics",
    level: "opportunity",
    description:
      "Numbers that size the problem or the gain: what it costs today, what success would be worth.",
    qualifiers: [],
  },
  interest: {
    name: "Interest",
    level: "opportunity",
    description: "Curiosity about a better way of working, even without a pressing problem.",
    qualifiers: [],
  },
  goals: {
    name: "Goals",
    level: "opportunity",
    description: "The company's objectives for the period that this purchase would serve.",
    qualifiers: [],
  },
  plans: {
    name: "Plans",
    level: "opportunity",
    description: "What the company intends to do to reach its goals, and where we fit in it.",
    qualifiers: [],
  },
  negative_consequences: {
    name: "Negative consequences",
    level: "opportunity",
    description: "What happens to the business if nothing changes.",
    qualifiers: [],
  },
  positive_implications: {
    name: "Positive implications",
    level: "opportunity",
    description: "What the business gains when the problem is solved.",
    qualifiers: [],
  },
  competition: {
    name: "Competition",
    level: "opportunity",
    description: "Other vendors, in-house builds or doing nothing; failed when a rival is already chosen.",
    qualifiers: [],
  },
  timeline: {
    name: "Timeline",
    level: "opportunity",
    description: "When they need it and why then; a record may carry the target `date`.",
    qualifiers: [],
  },
  prioritization: {
    name: "Prioritization",
    level: "opportunity",
    description: "Where this problem ranks among everything else the company is working on.",
    qualifiers: ["top", "high", "medium", "low"],
  },
  budget: {
    name: "Budget / funds",
    level: "opportunity",
    description:
      "Money for the purchase: `allocated` (set aside for it) or `capacity` (no budget line, but the means and will to pay).",
    qualifiers: ["allocated", "capacity"],
  },
  authority: {
    name: "Authority",
    level: "stakeholder",
    description: "The contact can make or drive the purchase decision, or has driven similar ones.",
    qualifiers: [],
  },
  economic_buyer: {
    name: "Economic buyer",
    level: "stakeholder",
    description: "The person who controls the money and can say the final yes is known and reachable.",
    qualifiers: [],
  },
  champion: {
    name: "Champion",
    level: "stakeholder",
    description: "Someone inside with influence who wants us to win and sells for us when we are not there.",
    qualifiers: [],
  },
  decision_criteria: {
    name: "Decision criteria",
    level: "stakeholder",
    description: "How options will be judged, and who defined the criteria.",
    qualifiers: [],
  },
  decision_process: {
    name: "Decision process",
    level: "stakeholder",
    description: "The steps, people and dates between now and a decision.",
    qualifiers: [],
  },
  paper_process: {
    name: "Paper process",
    level: "stakeholder",
    description: "Procurement, legal, security review and signature: how a contract actually gets signed.",
    qualifiers: [],
  },
  users: {
    name: "Users",
    level: "opportunity",
    description: "A team or person who will use the product day to day.",
    qualifiers: [],
  },
  implementation: {
    name: "Implementation",
    level: "opportunity",
    description: "The company can roll the product out: people, time, systems to connect.",
    qualifiers: [],
  },
  knowledge: {
    name: "Knowledge",
    level: "stakeholder",
    description:
      "The contact can speak to the company's goals, challenges and needs; one who cannot is too far from the decision.",
    qualifiers: [],
  },
} as const satisfies Record<ElementId, ElementInfo>;

/**
 * True when `value` is an element id.
 *
 * @example
 * isElementId("budget"); // true
 */
export function isElementId(value: string): value is ElementId {
  return (ELEMENT_IDS as readonly string[]).includes(value);
}
