import { criterion, type Framework } from "./types.ts";

/** BANT (IBM): budget, authority, need, timeline. */
export const BANT: Framework = {
  id: "bant",
  name: "BANT",
  summary: "IBM's classic four checks: can they pay, can this person decide, do they need it, and when.",
  bestFor: "Transactional sales with a clear buyer and a planned budget.",
  caveats:
    "Weak when a committee decides, when money comes from a card rather than a budget line, and when a strict timeline drops leads that will buy next year. A wish can pass as a need.",
  custom: false,
  criteria: [
    criterion({
      id: "budget",
      name: "Budget",
      description: "Money has been set aside for this purchase and fits our prices.",
      elements: ["budget"],
      level: "opportunity",
      required: true,
      rule: { qualifiers: { budget: { allocated: "met", capacity: "failed" } } },
      satisfiedWhen:
        "A budget is allocated (claimed or verified). Being able to pay without a budget line does not count under BANT.",
      questionFocus: ["allocated"],
    }),
    criterion({
      id: "authority",
      name: "Authority",
      description: "The contact makes the buying decision or can carry it to the person who does.",
      elements: ["authority"],
      level: "stakeholder",
      required: true,
      satisfiedWhen: "The contact's power to decide or drive the purchase is claimed or verified.",
    }),
    criterion({
      id: "need",
      name: "Need",
      description: "The company needs what we sell.",
      elements: ["need"],
      level: "opportunity",
      required: true,
      satisfiedWhen: "Any stated need counts, even a wish with no problem behind it.",
    }),
    criterion({
      id: "timeline",
      name: "Timeline",
      description: "They mean to buy within a time frame we can plan for.",
      elements: ["timeline"],
      level: "opportunity",
      required: true,
      rule: { horizonDays: 180 },
      satisfiedWhen: "A timeline is stated; a target date more than 180 days out means not now (nurture).",
    }),
  ],
};
