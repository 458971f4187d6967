import type { Question } from "./types.ts";

/** English questions for organization fit and for the people who decide. */
export const EN_STAKEHOLDER: readonly Question[] = [
  // organization fit
  {
    id: "territory.where",
    element: "territory",
    text: "In which countries would the teams using this be based?",
  },
  { id: "territory.expansion", element: "territory", text: "Which new regions are you planning to enter?" },
  {
    id: "territory.entity",
    element: "territory",
    text: "Which legal entity and country would the contract be with?",
  },
  {
    id: "territory.rules",
    element: "territory",
    text: "What local rules on data or language would a supplier have to meet?",
  },
  {
    id: "industry.business",
    element: "industry",
    text: "How would you describe what your company sells, and to whom?",
  },
  {
    id: "industry.regulation",
    element: "industry",
    text: "What regulations shape how your industry works with suppliers like us?",
  },
  { id: "industry.peers", element: "industry", text: "Which companies do you see as your closest peers?" },
  {
    id: "industry.shift",
    element: "industry",
    text: "What changes in your market are putting pressure on you this year?",
  },
  {
    id: "size.headcount",
    element: "company_size",
    text: "How many people work in the company, and in this department?",
  },
  { id: "size.growth", element: "company_size", text: "How has the team grown over the past year?" },
  { id: "size.sites", element: "company_size", text: "How many sites or offices would be involved?" },
  {
    id: "size.scale",
    element: "company_size",
    text: "What volume of customers or transactions do you handle in a month?",
  },
  // persona
  { id: "persona.role", element: "persona", text: "What does your role cover, and who do you report to?" },
  { id: "persona.responsibility", element: "persona", text: "Which results are you personally measured on?" },
  { id: "persona.team", element: "persona", text: "How big is the team you lead or work in?" },
  {
    id: "persona.history",
    element: "persona",
    text: "What purchases like this have you been part of before?",
  },
  // authority
  {
    id: "authority.how-decided",
    element: "authority",
    text: "How will the decision to buy be made, and who takes part?",
  },
  {
    id: "authority.your-part",
    element: "authority",
    text: "What part do you play in choosing a supplier for this?",
  },
  {
    id: "authority.last-purchase",
    element: "authority",
    text: "How did the last purchase of this size get approved?",
  },
  { id: "authority.others", element: "authority", text: "Who else will weigh in before anything is signed?" },
  {
    id: "authority.veto",
    element: "authority",
    text: "Who could stop this project, even late in the process?",
  },
  // economic buyer
  { id: "eb.who", element: "economic_buyer", text: "Who controls the budget this would come from?" },
  {
    id: "eb.final-say",
    element: "economic_buyer",
    text: "Whose signature does a purchase of this size need?",
  },
  { id: "eb.their-view", element: "economic_buyer", text: "How does that person see this problem today?" },
  { id: "eb.meet", element: "economic_buyer", text: "What would it take for us to meet them together?" },
  {
    id: "eb.care",
    element: "economic_buyer",
    text: "Who controls the budget for this, and what do they weigh most when approving spend?",
    roles: ["champion", "influencer"],
  },
  // champion
  {
    id: "champion.why-you",
    element: "champion",
    text: "What would a successful project mean for you personally?",
  },
  {
    id: "champion.sell-inside",
    element: "champion",
    text: "How would you present this to your colleagues when we are not in the room?",
  },
  {
    id: "champion.objections",
    element: "champion",
    text: "Which objections do you expect inside, and from whom?",
  },
  {
    id: "champion.track-record",
    element: "champion",
    text: "What change have you pushed through here before, and how did it go?",
  },
  {
    id: "champion.help",
    element: "champion",
    text: "What could we give you that would make the internal case easier?",
  },
  // decision criteria
  {
    id: "criteria.compare",
    element: "decision_criteria",
    text: "How will you compare the options on your shortlist?",
  },
  {
    id: "criteria.must-have",
    element: "decision_criteria",
    text: "Which requirements would rule a supplier out straight away?",
  },
  {
    id: "criteria.author",
    element: "decision_criteria",
    text: "Who wrote the requirements, and what shaped them?",
  },
  {
    id: "criteria.weight",
    element: "decision_criteria",
    text: "Which of those criteria carries the most weight, and why?",
  },
  // decision process
  {
    id: "process.steps",
    element: "decision_process",
    text: "What steps lie between today and a signed agreement?",
  },
  {
    id: "process.dates",
    element: "decision_process",
    text: "When is each of those steps planned to happen?",
  },
  {
    id: "process.people",
    element: "decision_process",
    text: "Who is involved at each step, and what do they need to see?",
  },
  {
    id: "process.last-time",
    element: "decision_process",
    text: "How long did a similar decision take the last time?",
  },
  // paper process
  {
    id: "paper.procurement",
    element: "paper_process",
    text: "What does procurement need from a new supplier before a contract?",
  },
  {
    id: "paper.legal",
    element: "paper_process",
    text: "How long does legal review usually take for an agreement like this?",
  },
  {
    id: "paper.security",
    element: "paper_process",
    text: "Which security or data reviews must a new tool pass?",
  },
  {
    id: "paper.signature",
    element: "paper_process",
    text: "Who signs the contract, and how long does their sign-off usually take?",
  },
  // knowledge: can this contact speak to what the company is trying to do?
  {
    id: "knowledge.strategy",
    element: "knowledge",
    text: "How does this project connect to what leadership wants to achieve this year?",
  },
  {
    id: "knowledge.challenges",
    element: "knowledge",
    text: "What do you see as the biggest challenges facing the company right now?",
  },
  {
    id: "knowledge.priorities",
    element: "knowledge",
    text: "What is the leadership team most focused on this quarter?",
  },
  {
    id: "knowledge.impact",
    element: "knowledge",
    text: "How would the company's results change if this problem disappeared?",
  },
];
