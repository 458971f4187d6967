import { criterion, type Framework } from "./types.ts";

/** CHAMP: challenges, authority, money, prioritization. */
export const CHAMP: Framework = {
  id: "champ",
  name: "CHAMP",
  summary: "Starts from the buyer's challenges, then who decides, the money, and how high it ranks.",
  bestFor: "Consultative sales where the problem matters more than the budget line.",
  caveats:
    "Authority is a call to action rather than a gate: when this contact cannot decide, map the organization and find who can.",
  custom: false,
  criteria: [
    criterion({
      id: "challenges",
      name: "Challenges",
      description: "The problems the company faces that our product helps with.",
      elements: ["need"],
      level: "opportunity",
      required: true,
      rule: { qualifiers: { need: { want: "failed" } } },
      satisfiedWhen: "A concrete challenge is stated; a wish without a problem does not count.",
    }),
    criterion({
      id: "authority",
      name: "Authority",
      description: "Who decides and who influences; if not this contact, who to reach next.",
      elements: ["authority"],
      level: "stakeholder",
      required: true,
      satisfiedWhen: "The contact can decide or drive the decision; otherwise find the person who can.",
    }),
    criterion({
      id: "money",
      name: "Money",
      description: "The company can pay for a solution, from a budget or from elsewhere.",
      elements: ["budget"],
      level: "opportunity",
      required: true,
      satisfiedWhen: "Either an allocated budget or the capacity to pay.",
    }),
    criterion({
      id: "prioritization",
      name: "Prioritization",
      description: "Where solving this ranks against the company's other projects.",
      elements: ["prioritization"],
      level: "opportunity",
      required: true,
      rule: { qualifiers: { prioritization: { low: "deferred" } } },
      satisfiedWhen: "The problem ranks medium or higher; a low priority means not now (nurture).",
    }),
  ],
};
