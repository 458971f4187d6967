import { type Criterion, criterion, type Framework } from "./types.ts";

const MEDDIC_CRITERIA: readonly Criterion[] = [
  criterion({
    id: "metrics",
    name: "Metrics",
    description:
      "The gain is measurable: numbers that say what the problem costs and what solving it is worth.",
    elements: ["metrics"],
    level: "opportunity",
    required: true,
    satisfiedWhen: "The buyer has put numbers on the problem or the expected gain.",
  }),
  criterion({
    id: "economic_buyer",
    name: "Economic buyer",
    description: "We know who controls the money and has the final say, and can reach them.",
    elements: ["economic_buyer"],
    level: "stakeholder",
    required: true,
    satisfiedWhen: "The economic buyer is named and reachable (often not the champion).",
  }),
  criterion({
    id: "decision_criteria",
    name: "Decision criteria",
    description: "We know how the options will be compared and who set those rules.",
    elements: ["decision_criteria"],
    level: "stakeholder",
    required: true,
    satisfiedWhen: "The criteria for choosing, and their author, are known.",
  }),
  criterion({
    id: "decision_process",
    name: "Decision process",
    description: "We know the steps, people and dates between today and a signed decision.",
    elements: ["decision_process"],
    level: "stakeholder",
    required: true,
    satisfiedWhen: "The steps to a decision and who takes part in each are known.",
  }),
  criterion({
    id: "identify_pain",
    name: "Identify pain",
    description: "A business pain (financial, support or productivity) that our product removes.",
    elements: ["need"],
    level: "opportunity",
    required: true,
    rule: { qualifiers: { need: { want: "failed" } } },
    satisfiedWhen: "A real pain is stated. A wish with no problem behind it fails: qualify for pain first.",
  }),
  criterion({
    id: "champion",
    name: "Champion",
    description: "Someone with influence inside who wants us to win and argues our case.",
    elements: ["champion"],
    level: "stakeholder",
    required: true,
    satisfiedWhen: "A champion is identified; it should be someone other than the economic buyer.",
  }),
];

/** MEDDIC: metrics, economic buyer, decision criteria, decision process, identify pain, champion. */
export const MEDDIC: Framework = {
  id: "meddic",
  name: "MEDDIC",
  summary:
    "A rubric for complex, high-value sales that ties the deal to measured pain and the people who decide.",
  bestFor: "Enterprise deals with several stakeholders; improves forecast accuracy.",
  caveats: "Heavy for small, fast deals; needs access to several people in the account.",
  custom: false,
  criteria: MEDDIC_CRITERIA,
};

/** MEDDPICC: MEDDIC plus paper process and competition. */
export const MEDDPICC: Framework = {
  id: "meddpicc",
  name: "MEDDPICC",
  summary: "MEDDIC with two more checks: how the contract gets signed, and who else is competing.",
  bestFor: "Enterprise deals where procurement and rivals decide the timing and the outcome.",
  caveats: "The most demanding of the MEDDIC family; several criteria only become known late.",
  custom: false,
  criteria: [
    ...MEDDIC_CRITERIA,
    criterion({
      id: "paper_process",
      name: "Paper process",
      description: "How the purchase is approved on paper: procurement, legal, security review, signature.",
      elements: ["paper_process"],
      level: "stakeholder",
      required: false,
      satisfiedWhen: "The approval and signing steps are known.",
    }),
    criterion({
      id: "competition",
      name: "Competition",
      description: "The alternatives in play, including building it themselves or doing nothing.",
      elements: ["competition"],
      level: "opportunity",
      required: false,
      satisfiedWhen: "The competing options are known; failed when a rival has already been chosen.",
    }),
  ],
};
