import type { Question } from "./types.ts";

/** English questions for opportunity-level elements: is there a problem worth solving, now, with money. */
export const EN_OPPORTUNITY: readonly Question[] = [
  // need / pain
  {
    id: "need.current-workflow",
    element: "need",
    text: "Walk me through how your team handles this today, step by step.",
  },
  {
    id: "need.what-breaks",
    element: "need",
    text: "Where does the current way of doing it break down most often?",
  },
  {
    id: "need.trigger",
    element: "need",
    text: "What happened recently that made you start looking at this now?",
  },
  {
    id: "need.past-attempts",
    element: "need",
    text: "What have you already tried to fix it, and what got in the way?",
  },
  {
    id: "need.current-tool",
    element: "need",
    text: "What do you like least about the tool or supplier you use for this today?",
  },
  {
    id: "need.pain-kind",
    element: "need",
    text: "Who feels this problem most: your customers, your staff, or your finance team, and how?",
  },
  {
    id: "need.role-user",
    element: "need",
    text: "Which part of your working week does this problem eat into the most?",
    roles: ["user", "champion"],
  },
  {
    id: "need.role-economic-buyer",
    element: "need",
    text: "How does this problem show up in the numbers you report to the board?",
    roles: ["economic_buyer"],
  },
  // metrics
  {
    id: "metrics.cost-today",
    element: "metrics",
    text: "What does this problem cost you in a typical month, in money or hours?",
  },
  {
    id: "metrics.success-measure",
    element: "metrics",
    text: "How will you measure whether a new solution has worked?",
  },
  {
    id: "metrics.baseline",
    element: "metrics",
    text: "Which figures do you track today that this would move, and where are they now?",
  },
  {
    id: "metrics.target",
    element: "metrics",
    text: "What result would you need to see within six months to call this a success?",
  },
  {
    id: "metrics.role-economic-buyer",
    element: "metrics",
    text: "What return would you expect before approving a spend of this size?",
    roles: ["economic_buyer"],
  },
  {
    id: "metrics.role-user",
    element: "metrics",
    text: "How much time do you and your colleagues spend on this each week?",
    roles: ["user", "influencer"],
  },
  // interest
  { id: "interest.what-caught", element: "interest", text: "What caught your attention about our approach?" },
  {
    id: "interest.better-reality",
    element: "interest",
    text: "If this worked perfectly, what would your day look like?",
  },
  {
    id: "interest.explored",
    element: "interest",
    text: "What other ideas have you been exploring in this area?",
  },
  {
    id: "interest.share",
    element: "interest",
    text: "Who else on your team would be curious to see this, and why?",
  },
  // goals
  { id: "goals.year", element: "goals", text: "What are the company's most important goals for this year?" },
  { id: "goals.team", element: "goals", text: "Which of those goals does your own team carry?" },
  {
    id: "goals.measured",
    element: "goals",
    text: "How is progress toward those goals measured, and by whom?",
  },
  {
    id: "goals.link",
    element: "goals",
    text: "How would solving this problem move you closer to those goals?",
  },
  // plans
  {
    id: "plans.how",
    element: "plans",
    text: "What is your plan for reaching that goal over the next few quarters?",
  },
  { id: "plans.already-started", element: "plans", text: "Which parts of that plan are already under way?" },
  { id: "plans.gaps", element: "plans", text: "Where in the plan do you expect to need outside help?" },
  { id: "plans.changed", element: "plans", text: "How has the plan changed since it was first drawn up?" },
  // negative consequences
  {
    id: "negative.nothing-changes",
    element: "negative_consequences",
    text: "What happens if nothing changes over the next year?",
  },
  {
    id: "negative.who-suffers",
    element: "negative_consequences",
    text: "Who in the business feels it first if this stays unsolved?",
  },
  {
    id: "negative.cost-of-waiting",
    element: "negative_consequences",
    text: "What does each month of waiting cost you?",
  },
  {
    id: "negative.risk",
    element: "negative_consequences",
    text: "Which goal is most at risk if this problem persists?",
  },
  // positive implications
  {
    id: "positive.gain",
    element: "positive_implications",
    text: "What becomes possible for the business once this is solved?",
  },
  {
    id: "positive.who-benefits",
    element: "positive_implications",
    text: "Who would notice the improvement first, and how?",
  },
  {
    id: "positive.free-time",
    element: "positive_implications",
    text: "What would your team do with the time this saves?",
  },
  {
    id: "positive.worth",
    element: "positive_implications",
    text: "How would you put a value on getting this right?",
  },
  // competition
  {
    id: "competition.alternatives",
    element: "competition",
    text: "What other options are you weighing besides us?",
  },
  {
    id: "competition.in-house",
    element: "competition",
    text: "How would building this yourselves compare, in your view?",
  },
  {
    id: "competition.do-nothing",
    element: "competition",
    text: "What would make keeping things as they are the better choice?",
  },
  {
    id: "competition.preferred",
    element: "competition",
    text: "Which supplier does the team lean toward so far, and for what reasons?",
  },
  {
    id: "competition.incumbent",
    element: "competition",
    text: "How did you come to choose your current supplier?",
  },
  // timeline
  {
    id: "timeline.when",
    element: "timeline",
    text: "By when do you need a solution in place, and what sets that date?",
  },
  { id: "timeline.event", element: "timeline", text: "What event or deadline is driving the timing?" },
  { id: "timeline.slip", element: "timeline", text: "What happens if the start date slips by a quarter?" },
  {
    id: "timeline.steps",
    element: "timeline",
    text: "What has to happen between now and go-live, and in what order?",
  },
  {
    id: "timeline.realistic",
    element: "timeline",
    text: "How much time have you set aside between choosing a supplier and signing?",
  },
  // prioritization
  {
    id: "priority.rank",
    element: "prioritization",
    text: "Where does this fall among the projects on your list this quarter?",
  },
  {
    id: "priority.competing",
    element: "prioritization",
    text: "Which other initiatives compete for the same people and money?",
  },
  {
    id: "priority.drop",
    element: "prioritization",
    text: "If you could only do one project this quarter, which would it be?",
  },
  {
    id: "priority.who-decides",
    element: "prioritization",
    text: "Who sets the priorities for projects like this one?",
  },
  // budget (general, then allocated, then capacity)
  {
    id: "budget.range",
    element: "budget",
    text: "What range of investment were you expecting for something like this?",
  },
  {
    id: "budget.fund-source",
    element: "budget",
    text: "How are purchases like this usually funded in your company?",
  },
  {
    id: "budget.past-spend",
    element: "budget",
    text: "What did you spend the last time you solved a problem of this size?",
  },
  {
    id: "budget.allocated-line",
    element: "budget",
    text: "Which budget line would this come out of, and how much is set aside?",
    focus: "allocated",
  },
  {
    id: "budget.allocated-when",
    element: "budget",
    text: "When was the budget for this approved, and for what scope?",
    focus: "allocated",
  },
  {
    id: "budget.capacity-unplanned",
    element: "budget",
    text: "How do you handle a purchase that was not planned in this year's budget?",
    focus: "capacity",
  },
  {
    id: "budget.capacity-justify",
    element: "budget",
    text: "What would the business case need to show to free up money for this?",
    focus: "capacity",
  },
  // users
  { id: "users.who", element: "users", text: "Who would use this day to day, and how many people is that?" },
  { id: "users.growth", element: "users", text: "How do you expect that group to grow over the next year?" },
  {
    id: "users.adoption",
    element: "users",
    text: "How did the team take to the last new tool you rolled out?",
  },
  { id: "users.owner", element: "users", text: "Who would own the tool once it is running?" },
  // implementation
  {
    id: "implementation.systems",
    element: "implementation",
    text: "Which systems would this need to connect to?",
  },
  {
    id: "implementation.people",
    element: "implementation",
    text: "Who on your side would run the rollout, and how much time can they give it?",
  },
  {
    id: "implementation.past",
    element: "implementation",
    text: "How did your last software rollout go, and what would you change?",
  },
  {
    id: "implementation.constraints",
    element: "implementation",
    text: "What security, legal or IT requirements would a rollout have to meet?",
  },
];
