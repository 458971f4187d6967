import { hits, overlaps } from "../findings.ts";
import type { TextSpan } from "../types.ts";
import { addEvidence, addGoodSign, clip, type EnContext } from "./context.ts";

const PROBLEM =
  /\b(problems?|issues?(?! (?:a|an|the|our|their)\b)|struggl\w*|pain(?:ful)?|headaches?|nightmare|frustrat\w*|bottlenecks?|backlogs?|complain\w*|can(?:'t|not) keep up|unable to|fail(?:s|ing|ed)? to|too (?:slow|many|much|long|expensive|manual|complicated)|los(?:e|es|ing|t) (?:about |around |roughly |over |up to |nearly )?(?:\d|half|a third|a quarter|hours|days)|los(?:e|es|ing|t) (?:customers|clients|deals|leads|money|calls|patients|sales|track|staff|agents|time|revenue|business)|miss(?:es|ing|ed)? (?:calls|call-?backs|deadlines|leads|SLAs?|targets|appointments|orders|deliveries|shipments|payments)|missed [a-z-]+s\b|fail(?:ed|ing|ures?) (?:deliver|payment|call|order|install|shipment|login|job)\w*|no-shows|turnover|attrition|chao(?:s|tic)|breaks (?:every|all the time|constantly|whenever|each)|manual(?:ly)?|spreadsheets?|errors|mistakes|downtime|outages?|crash(?:es|ing|ed)?|breaks? down|(?:doesn't|does not|won't|can't) scale|outgrown|falling behind|overwhelmed|churn(?:ing)?|dropp(?:ed|ing) calls|wait(?:ing)? times?|delays?|broken|clunky|no visibility|no way to|hard to|difficult to|takes (?:us |me |them |him |her )?(?:forever|ages|hours|days|weeks|a full day|all day|too long)|(?:a )?better way (?:to|of)|out of date|double[- ]booked|chas(?:e|ing) (?:up|invoices|payments))\b/gi;
const NO_PROBLEM =
  /\b(no (?:real |big |major )?(?:problems?|issues?|complaints|pain)|not (?:a|an|really a) (?:problem|issue)|(?:works?|working|runs?) (?:fine|well|great)|(?:happy|satisfied|content) with (?:the |our |what)|nothing (?:wrong|broken)|(?:we're|we are|everything's|everything is) (?:fine|ok|okay) (?:as is|for now|with))\b/gi;
const NEED_STATEMENT =
  /\b((?:we|they|he|she|I) needs? (?:a |an |something |better |more |to (?:replace|fix|reduce|cut|stop|improve|get|find|handle|cope|support|scale|automate|track|move|modernise|modernize|upgrade))|(?:we(?:'re| are)|they(?:'re| are)) looking for (?:a |an |something |ways? to |software|a system|a tool|a platform|a solution|a supplier|a vendor)|we have to (?:replace|fix|reduce|cut|stop|improve|find|get)|(?:has|have|needs?) to be replaced|need(?:s)? (?:sorting|fixing|replacing))\b/gi;
const WANT =
  /\b(would be nice|nice to have|just (?:curious|wondering|want to see|browsing)|curious (?:about|to see|how)|better (?:email )?templates|(?:interested|keen) (?:in|to) (?:see|seeing|learn|learning|hear|hearing)|saw your (?:ad|post|webinar|video)|heard (?:good things|about you))\b/gi;

const YEAR = /^(?:19|20)\d\d\s?$/;
/** A goal with a number or a date in it shows the contact knows it, not just the slogan. */
const SPECIFIC_GOAL =
  /\d|\b(?:double|triple|halve|next year|this year|Q[1-4]|January|February|March|April|May|June|July|August|September|October|November|December|Germany|[A-Z][a-z]+ market)\b/;

function inMoney(ctx: EnContext, span: TextSpan): boolean {
  return ctx.out.facts.specifics.some(
    (x) => x.kind === "money" && x.span.start < span.end && span.start < x.span.end,
  );
}

const KPI =
  /\b(conversion(?: rate)?|churn(?: rate)?|retention|handle time|AHT|response times?|resolution times?|abandon(?:ment)? rate|no-shows?(?: rate)?|turnover|attrition|handling time|utili[sz]ation|occupancy|NPS|CSAT|first[- ]call resolution|win rate|error rate|uptime|service level|SLA|hold times?|wait(?:ing)? times?)\b/gi;
const NUMBERISH =
  /\b\d+(?:[.,]\d+)?\s?(?:%|percent|k\b|hours?|minutes?|days?|weeks?)?|\b(?:half|a third|a quarter|twice|one in (?:\w+))\b/gi;

const GOAL =
  /\b((?:our|their) (?:main |big(?:gest)? |key |top |primary |number one |strategic )?(?:goals?|objectives?|targets?|strategy|focus|mission|ambition)(?: (?:this|for|next|is|are|in))|(?:we(?:'re| are)|the company is|the business is) (?:aiming|trying|working|planning|pushing) to|the board (?:wants|expects|has asked|has set)|(?:we|they|the company|the business) (?:want|need|aim|plan)s? to (?:grow|expand|reach|hit|double|reduce|cut|open|enter|launch|improve|increase)|(?:by|before) (?:the )?end of (?:the |this |next )?year we|target(?:s|ed)? (?:of|is)|our biggest challenge(?: this year)?(?: is)?|the challenge for us (?:this year )?is)\b/gi;
const PLAN =
  /\b(we(?:'re| are)? (?:planning|going) to|we plan to|we intend to|(?:we(?:'re| are)|the company is) (?:opening|launching|expanding|moving|merging|hiring|rolling out)|roadmap|next year we(?:'ll| will)|(?:this|next) (?:quarter|year) we(?:'ll| will)|the plan is|(?:our|their) plan(?:s)? (?:is|are|for)|(?:our|their) plan(?=:)|expand(?:ing)? into|mov(?:e|ing) into|(?:we|they)(?:'re| are) hiring)\b/gi;
const NEGATIVE =
  /\b(if (?:we|they|this|that|it|nothing|the [a-z]+(?: [a-z]+)?) (?:don't|do not|doesn't|does not|can't|cannot|isn't|is not|aren't|are not|changes?)\b[^.;]*?\b(?:lose|miss|fail|fined?|penalt\w*|risk|close|shut|churn|leave|quit|go under)\w*|otherwise (?:we(?:'ll| will)|they(?:'ll| will))|we risk|at risk of|or (?:else )?we(?:'ll| will) lose|the risk is|(?:we|they) (?:could|might|would|will|may) (?:lose|be fined|be penali[sz]ed|miss out)|(?:will|would|could) be fined)\b/gi;
const POSITIVE =
  /\b(would (?:save|free up|let us|allow us|cut|reduce|help us|mean we|give us)|could save|we'd save|we would save|would pay for itself|(?:save|saving) us (?:about |around )?\S+)\b/gi;
const PRIORITY =
  /\b(top priority|number one priority|(?:high|highest|low|main) priority|not a priority|back burner|priority (?:one|1|number one)|first on the list|not on (?:our|the) radar)\b/gi;

const EXCUSE =
  /\b((?:we|they|I|he|she)(?:'ve| have| has)? (?:been meaning to|kept putting (?:it|this) off|put (?:it|this) off|postponed (?:it|this)?|shelved (?:it|this)?|parked (?:it|this)?|delayed (?:it|this)?|never got (?:round|around) to)|(?:was|got|were|has been|had been) (?:put )?on hold|(?:was|got) deprioriti[sz]ed|(?:didn't|did not|haven't|have not) (?:have|had) (?:the )?(?:time|budget|bandwidth|people|resources|headcount|money)(?: (?:to|for|last|until))?|(?:tried|looked at|trialled|started) (?:this|it|one|a [\w-]+(?: [\w-]+)?) (?:before|last year|in \d{4}|a while ago|once)?,? but|the last (?:project|attempt|rollout|vendor|implementation) (?:stalled|failed|fell through|went nowhere)|(?:because|since) of the (?:merger|move|migration|pandemic|reorg|restructure|acquisition|audit)|(?:no one|nobody) (?:owned|had time for|took ownership of) (?:it|this)|(?:we were|we've been|we have been) too busy|(?:haven't|have not|never) (?:had|found) (?:the )?time|we should have (?:done|fixed|sorted|dealt with) (?:this|it)|kept (?:getting )?(?:pushed|bumped) (?:back|down))/gi;

/** Needs and pain, what they cost, goals, plans, consequences, priorities, and excuses for waiting. */
export function readNeeds(ctx: EnContext): void {
  for (const s of ctx.claims) {
    const t = s.span.text;
    const none = hits(ctx.text, s.span, NO_PROBLEM);
    for (const h of none)
      addEvidence(ctx, {
        rule: "need.none",
        element: "need",
        polarity: "negative",
        span: h.span,
        summary: `No pain: "${clip(h.span.text)}"`,
      });
    const problems = [...hits(ctx.text, s.span, PROBLEM), ...hits(ctx.text, s.span, NEED_STATEMENT)].filter(
      (h) => !none.some((n) => overlaps(n.span, h.span)),
    );
    const firstProblem = problems.sort((a, b) => a.span.start - b.span.start)[0];
    if (
      firstProblem &&
      !/\b(need to (?:check|think|talk|speak|ask|run|discuss|confirm|see))\b/i.test(firstProblem.span.text)
    ) {
      const qualifier = /\b(cost|money|revenue|fined?|fines|penalt\w*|refunds?)\b|[$€£]/i.test(t)
        ? "financial"
        : /\b(complain|support|tickets?|customers?|patients?|wait)/i.test(t)
          ? "support"
          : "productivity";
      addEvidence(ctx, {
        rule: "need.problem",
        element: "need",
        span: s.span,
        summary: `Problem: "${clip(t)}"`,
        qualifier,
      });
      for (const n of hits(ctx.text, s.span, NUMBERISH)) {
        if (YEAR.test(n.span.text) || inMoney(ctx, n.span)) continue;
        addEvidence(ctx, {
          rule: "metrics.problem-size",
          element: "metrics",
          span: n.span,
          summary: `Sizes the problem: "${clip(t)}"`,
        });
      }
    }
    for (const h of hits(ctx.text, s.span, WANT))
      addEvidence(ctx, {
        rule: "interest.curious",
        element: "interest",
        span: h.span,
        summary: `Interest without stated pain: "${clip(h.span.text)}"`,
      });
    if (hits(ctx.text, s.span, KPI).length > 0) {
      for (const n of hits(ctx.text, s.span, NUMBERISH)) {
        if (!/\d/.test(n.span.text)) continue;
        addEvidence(ctx, {
          rule: "metrics.kpi",
          element: "metrics",
          span: n.span,
          summary: `Measured today: "${clip(t)}"`,
        });
      }
    }
    if (hits(ctx.text, s.span, GOAL).length + hits(ctx.text, s.span, POSITIVE).length > 0) {
      for (const n of hits(ctx.text, s.span, NUMBERISH)) {
        if (
          !/\d|half|third|quarter|twice/i.test(n.span.text) &&
          !/\b(?:two|three|four|five|six|seven|eight|nine|ten)\b/i.test(n.span.text)
        )
          continue;
        addEvidence(ctx, {
          rule: "metrics.target",
          element: "metrics",
          span: n.span,
          summary: `A number for the goal or the gain: "${clip(t)}"`,
        });
      }
    }
    for (const h of hits(ctx.text, s.span, GOAL)) {
      addEvidence(ctx, {
        rule: "goals.statement",
        element: "goals",
        span: s.span,
        summary: `Goal: "${clip(t)}"`,
      });
      if (/challenge/i.test(h.span.text) || SPECIFIC_GOAL.test(t))
        addGoodSign(
          ctx,
          "knowledge.goals",
          "knowledge",
          h.span,
          `Knows the company's goals or challenges: "${clip(t)}"`,
        );
    }
    for (const h of hits(ctx.text, s.span, PLAN))
      addEvidence(ctx, {
        rule: "plans.statement",
        element: "plans",
        span: h.span,
        summary: `Plan: "${clip(t)}"`,
      });
    for (const h of hits(ctx.text, s.span, NEGATIVE))
      addEvidence(ctx, {
        rule: "consequences.negative",
        element: "negative_consequences",
        span: h.span,
        summary: `If nothing changes: "${clip(t)}"`,
      });
    for (const h of hits(ctx.text, s.span, POSITIVE))
      addEvidence(ctx, {
        rule: "consequences.positive",
        element: "positive_implications",
        span: h.span,
        summary: `Gain when solved: "${clip(t)}"`,
      });
    for (const h of hits(ctx.text, s.span, PRIORITY)) {
      const low = /not a|back burner|low|not on/i.test(h.span.text);
      addEvidence(ctx, {
        rule: "priority.statement",
        element: "prioritization",
        span: h.span,
        summary: `Priority: "${h.span.text}"`,
        qualifier: low ? "low" : "top",
        ...(low ? { polarity: "negative" as const } : {}),
      });
    }
    for (const h of hits(ctx.text, s.span, EXCUSE)) {
      addGoodSign(
        ctx,
        "excuse.past-inaction",
        "excuse",
        h.span,
        `An excuse for not acting sooner confirms the pain: "${clip(t)}"`,
      );
    }
  }
}
