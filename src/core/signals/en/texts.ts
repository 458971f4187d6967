/** English question texts by id ({placeholders} are filled by the engine). Written for Winnow. */
export const EN_QUESTIONS: Readonly<Record<string, string>> = {
  "q.decision_window":
    "Proposals are due {proposal} and the choice is made {decision}, {days} day(s) later: how will you review the bids in that time, and is there a supplier you already work with on this?",
  "q.quote_request":
    "What is behind this request: is it a tender decided on price, or the first order of something larger? Who else has been asked to quote?",
  "q.quote_usage": "Where will the {quantity} be used, and what do you expect to need after this order?",
  "q.growth": "What drives the move from {from} to {to} {unit}, and by when do you expect to get there?",
  "q.criteria_rank": "Of {items}, which matters most to you, and who drew up the list?",
  "q.competitor": "What works well with {name} today, and what would make you change?",
  "q.budget_none":
    "With no budget set aside today, how would this get funded, and who would have to approve it?",
  "q.economic_buyer_meet":
    "Could {name} join our next conversation, so we hear what matters to them first-hand?",
  "q.inconsistency_budget":
    "I heard two different things about the budget ({earlier} and then {now}): what changed, and who can confirm where it stands?",
  "q.inconsistency_deadline":
    "The date moved from {earlier} to {now}: what caused the change, and how firm is the new date?",
  "q.inconsistency_authority":
    "Earlier the decision sounded like {earlier}, now like {now}: who gives the final yes, and who else has a say?",
  "q.short_answers":
    "Who on your side lives with this problem day to day, and would it make sense to bring them into the next call?",
  "q.vague": "Could you walk me through a recent example, with the numbers involved?",
  "q.unrealistic": 'How did you arrive at "{claim}", and what has to be true for it to happen?',
  "q.timeline_reason": "What happens if this is not in place by {date}?",
  "missing.need": "What made you look at this now, and what happens today when the problem comes up?",
  "missing.metrics": "What does the problem cost you today, in hours, money or customers?",
  "missing.authority":
    "How do purchases like this usually get decided at your company, and what is your part in it?",
  "missing.economic_buyer": "Whose budget will this come from, and who gives the final yes?",
  "missing.decision_process": "What steps and which people stand between today and a signed decision?",
  "missing.timeline": "By when do you need this working, and what makes that date matter?",
  "missing.budget": "How have you paid for similar tools before, and what range do you have in mind?",
  "missing.competition": "What do you use today, and who else are you looking at?",
  "missing.users": "Who will use it day to day, and how many of them?",
  "missing.decision_criteria": "How will you compare the options: what must the solution do on day one?",
};

/** English summaries of the language-neutral rules. */
export const EN_PHRASES: Readonly<Record<string, string>> = {
  "decision-window.short":
    "Only {days} day(s) between proposals ({proposal}) and the decision ({decision}): too short to review bids; a supplier may already be preferred",
  "unrealistic.change": 'Unrealistic: "{claim}" means {factor}x in {days} day(s)',
  "unrealistic.change-open": 'Unrealistic: "{claim}" means {factor}x',
  "specificity.details": "Specific: {count} concrete details ({kinds})",
  "specificity.plan": "Specific: a step-by-step plan",
  "short-answer.open-question": 'A {words}-word answer to an open question: "{answer}"',
  "short-answer.pattern": "{short} of {total} answers are three words or fewer",
  "inconsistency.budget": "Budget said to exist and not to exist: {earlier} vs {now}",
  "inconsistency.budget-amount": "Budget amount changed: {earlier} then {now}",
  "inconsistency.deadline": "Date for the {role} moved from {earlier} to {now}",
  "inconsistency.authority": "Contact said to decide, and not to: {earlier} vs {now}",
};

const ROLE_WORDS: Readonly<Record<string, string>> = {
  proposal: "proposal",
  decision: "decision",
  go_live: "go-live",
  deadline: "deadline",
};

/** English words for a date role in a summary. */
export function enRole(role: string): string {
  return ROLE_WORDS[role] ?? role;
}

/** "a, b and c" */
export function enList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
