import { hits } from "../findings.ts";
import type { TextSpan } from "../types.ts";
import { addEvidence, clip, type EnContext } from "./context.ts";
import { scaleBy } from "./numbers.ts";

const AMOUNT = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
const MULT = `k|K|m|M|mm|bn|million|thousand|billion|grand`;
const CODES = "USD|EUR|GBP|PLN|CHF|CAD|AUD|SEK|NOK|DKK";
const SYMBOL_OF: Readonly<Record<string, string>> = { $: "USD", "€": "EUR", "£": "GBP", "¥": "JPY" };

/** "$40k", "€1.2 million", "USD 30,000" */
const MONEY_PREFIX = new RegExp(String.raw`(?:([$€£¥])|\b(${CODES}) ?)(${AMOUNT})(?: ?(${MULT})\b)?`, "g");
/** "40,000 euros", "30k USD", "2 million dollars", "5000 zł" */
const MONEY_SUFFIX = new RegExp(
  String.raw`\b(${AMOUNT})(?: ?(${MULT}))? ?(${CODES}|dollars?|euros?|pounds?|złoty|zł|zloty|francs?)(?![\w])`,
  "g",
);
/** "50k" with no currency: money only where the sentence talks about budget or spend. */
const MONEY_BARE = new RegExp(String.raw`\b(${AMOUNT}) ?(k|K|grand)\b`, "g");

const CURRENCY_WORD: Readonly<Record<string, string>> = {
  dollar: "USD",
  dollars: "USD",
  euro: "EUR",
  euros: "EUR",
  pound: "GBP",
  pounds: "GBP",
  złoty: "PLN",
  zł: "PLN",
  zloty: "PLN",
  franc: "CHF",
  francs: "CHF",
};

/** Cue families that say what an amount is for; the nearest cue to the amount wins. */
const CUES = {
  budget:
    /\b(budget\w*|set aside|allocated|earmarked|ring-?fenced|signed off|approved|(?:can|could) (?:spend|afford|go|stretch)|willing to (?:spend|pay|invest)|prepared to (?:spend|pay|invest)|able to (?:spend|pay|invest)|up to|no more than|ceiling|cap of|(?:price )?range|to spend|afford|funds?|funding for|invest(?:ment)? of)\b/gi,
  spend:
    /\b((?:currently |already )?pay(?:ing)?|paid|spend(?:ing)?|spent|contract (?:is|worth)|licen[cs]es? (?:cost|are|is)|subscription)\b/gi,
  cost: /\b(los(?:e|es|ing|t)|cost(?:s|ing)? us|wast(?:e|es|ed|ing)|penalt(?:y|ies)|fines?|fined|overtime|leak(?:s|ing)?|write-?offs?|refunds?|in damages|down the drain|missed revenue|lost revenue)\b/gi,
  revenue:
    /\b(revenue|turnover|ARR|MRR|annual sales|sales of|raised|valuation|profit|margin|GMV|bookings)\b/gi,
} as const;
type CueKind = keyof typeof CUES;

const TOOL_WORDS =
  /\b(licen[cs]es?|subscription|vendor|tool|system|software|platform|per seat|per user|per agent|contract)\b/i;
const ALLOCATED = /\b(budget(?:ed)?|allocated|approved|set aside|earmarked|ring-?fenced|signed off)\b/i;

const BUDGET_QUESTION = /\b(budget\w*|spend|afford|invest|set aside|price range|how much)\b/i;

/** The buyer turn answers a rep question about budget ("What budget do you have?" "About 25k."). */
function askedAboutBudget(ctx: EnContext, turn: number): boolean {
  const prev = ctx.doc.turns[turn - 1];
  const own = ctx.doc.turns[turn];
  return Boolean(
    prev && own && prev.role === "rep" && own.role === "buyer" && BUDGET_QUESTION.test(prev.span.text),
  );
}

type Money = { span: TextSpan; amount: number; currency: string };

function readMoney(ctx: EnContext, sentence: TextSpan, bareAllowed: boolean): Money[] {
  const found: Money[] = [];
  const add = (span: TextSpan, amount: number, currency: string) => {
    if (!found.some((f) => f.span.start < span.end && span.start < f.span.end))
      found.push({ span, amount, currency });
  };
  for (const h of hits(ctx.text, sentence, MONEY_PREFIX)) {
    const [sym, code, num, mult] = h.groups;
    const amount = scaleBy(Number((num?.text ?? "0").replace(/,/g, "")), mult?.text);
    add(h.span, amount, sym ? (SYMBOL_OF[sym.text] ?? sym.text) : (code?.text ?? "?"));
  }
  for (const h of hits(ctx.text, sentence, MONEY_SUFFIX)) {
    const [num, mult, cur] = h.groups;
    const word = (cur?.text ?? "").toLowerCase();
    add(
      h.span,
      scaleBy(Number((num?.text ?? "0").replace(/,/g, "")), mult?.text),
      CURRENCY_WORD[word] ?? word.toUpperCase(),
    );
  }
  if (bareAllowed)
    for (const h of hits(ctx.text, sentence, MONEY_BARE)) {
      const [num, mult] = h.groups;
      add(h.span, scaleBy(Number((num?.text ?? "0").replace(/,/g, "")), mult?.text), "?");
    }
  return found;
}

function nearestCue(ctx: EnContext, sentence: TextSpan, money: TextSpan): CueKind | undefined {
  let best: { kind: CueKind; distance: number } | undefined;
  for (const kind of Object.keys(CUES) as CueKind[]) {
    for (const h of hits(ctx.text, sentence, CUES[kind])) {
      const distance = h.span.end <= money.start ? money.start - h.span.end : h.span.start - money.end;
      if (h.span.start < money.end && money.start < h.span.end) continue;
      if (distance > 60) continue;
      // cues before the amount read more naturally ("budget of $40k"); cues after count a little less
      const weighted = h.span.end <= money.start ? distance : distance + 10;
      if (!best || weighted < best.distance) best = { kind, distance: weighted };
    }
  }
  return best?.kind;
}

/**
 * Money: every amount is a specific detail; near a budget cue it is budget evidence, near a loss it
 * sizes the problem (metrics), near revenue it sizes the company, and what they pay today shows
 * capacity to pay. Amounts with none of these cues are not called a budget.
 */
export function readMoneyRules(ctx: EnContext): void {
  for (const s of ctx.claims) {
    const asked = askedAboutBudget(ctx, s.turn);
    const bare = asked || /\b(budget|spend|afford|set aside|allocated|invest)/i.test(s.span.text);
    for (const m of readMoney(ctx, s.span, bare)) {
      ctx.out.facts.specifics.push({ span: m.span, kind: "money" });
      const value = { type: "money", amount: m.amount, currency: m.currency } as const;
      let kind = nearestCue(ctx, s.span, m.span) ?? (asked ? "budget" : undefined);
      if (kind === "cost" && TOOL_WORDS.test(s.span.text) && !/\blos(e|es|ing|t)\b/i.test(s.span.text))
        kind = "spend";
      if (kind === "budget") {
        addEvidence(ctx, {
          rule: "budget.amount",
          element: "budget",
          span: m.span,
          summary: `Budget amount: ${m.span.text}`,
          qualifier: ALLOCATED.test(s.span.text) ? "allocated" : "capacity",
          value,
        });
      } else if (kind === "spend") {
        addEvidence(ctx, {
          rule: "budget.current-spend",
          element: "budget",
          span: m.span,
          summary: `Pays ${m.span.text} today: capacity to pay`,
          qualifier: "capacity",
          value,
        });
      } else if (kind === "cost") {
        addEvidence(ctx, {
          rule: "metrics.cost",
          element: "metrics",
          span: m.span,
          summary: `Cost of the problem: ${clip(s.span.text)}`,
          value,
        });
      } else if (kind === "revenue") {
        addEvidence(ctx, {
          rule: "company.revenue",
          element: "company_size",
          span: m.span,
          summary: `Revenue or size: ${m.span.text}`,
          value,
        });
      }
    }
  }
}

const BUDGET_YES =
  /\b(budget (?:is|was|has been|'s|got|is already|has already been) (?:approved|signed off|allocated|set aside|agreed|in place|there|available|confirmed|ring-?fenced)|(?:we|they|I)(?:'ve| have| has)? (?:got |already )?(?:a |the |some |an approved |an allocated )?budget (?:for|set aside|allocated|approved|in place|this)|(?:we|they) have budget|budget(?:ed)? for (?:this|it|the)|(?:money|funds?|funding) (?:is|are|has been) (?:there|available|allocated|approved|set aside|in place|secured)|(?:have|has) (?:been )?(?:set aside|earmarked|ring-?fenced)|(?:we|they) can (?:find|make) the (?:money|budget)|(?:can|could) afford|willing to (?:pay|spend|invest)|prepared to (?:pay|spend|invest)|(?:on|put it on) (?:my|the company|a company) card|money is not (?:a|an) (?:problem|issue))\b/gi;
const BUDGET_NO =
  /\b(no budget|(?:don't|do not|doesn't|does not|didn't|did not) have (?:a |the |any )?(?:budget|money|funds|funding)|(?:budget|money|funding)(?: for (?:this|it))? (?:was|has been|got|is being|is) (?:cut|frozen|pulled|withdrawn|cancelled|canceled|reallocated|gone)|budget(?:s)? (?:are |is )?frozen|budget freeze|(?:can't|cannot|couldn't|could not) afford|no money|not budgeted|nothing (?:set aside|allocated|budgeted)|no funds|(?:budget|money|funding) (?:isn't|is not|wasn't|was not) (?:there|available|approved|allocated|in place))\b/gi;

/** Statements that a budget exists, or that it does not. */
export function readBudgetStatements(ctx: EnContext): void {
  for (const s of ctx.claims) {
    for (const h of hits(ctx.text, s.span, BUDGET_NO)) {
      addEvidence(ctx, {
        rule: "budget.none",
        element: "budget",
        polarity: "negative",
        span: h.span,
        summary: `No budget: "${clip(h.span.text)}"`,
      });
    }
    for (const h of hits(ctx.text, s.span, BUDGET_YES)) {
      if (
        ctx.out.evidence.some(
          (e) => e.rule === "budget.none" && e.span.start < h.span.end && h.span.start < e.span.end,
        )
      )
        continue;
      const capacity = /afford|willing|prepared|card|find|make the|not a/i.test(h.span.text);
      addEvidence(ctx, {
        rule: "budget.statement",
        element: "budget",
        span: h.span,
        summary: `Budget: "${clip(h.span.text)}"`,
        qualifier: capacity ? "capacity" : "allocated",
      });
    }
  }
}
