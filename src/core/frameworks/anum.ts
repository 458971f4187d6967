import { criterion, type Framework } from "./types.ts";

/** ANUM: authority, need, urgency, money — find the decision-maker first. */
export const ANUM: Framework = {
  id: "anum",
  name: "ANUM",
  summary: "Find the decision-maker first, then check the need, how urgent it is, and the money.",
  bestFor: "Sales where reaching the right person early saves the most time.",
  caveats: "Money comes last, so deals can run long before affordability is known.",
  custom: false,
  criteria: [
    criterion({
      id: "authority",
      name: "Authority",
      description: "The contact is, or leads us to, the person who decides.",
      elements: ["authority"],
      level: "stakeholder",
      required: true,
      satisfiedWhen: "The contact's decision power is claimed or verified.",
    }),
    criterion({
      id: "need",
      name: "Need",
      description: "The company has a need our product meets.",
      elements: ["need"],
      level: "opportunity",
      required: true,
      satisfiedWhen: "A need is stated.",
    }),
    criterion({
      id: "urgency",
      name: "Urgency",
      description: "How soon they must act, and why then.",
      elements: ["timeline"],
      level: "opportunity",
      required: true,
      rule: { horizonDays: 90 },
      satisfiedWhen: "A timeline within 90 days; later than that means not now (nurture).",
    }),
    criterion({
      id: "money",
      name: "Money",
      description: "They can pay for it.",
      elements: ["budget"],
      level: "opportunity",
      required: true,
      satisfiedWhen: "An allocated budget or the capacity to pay.",
    }),
  ],
};
