import { hits } from "../findings.ts";
import type { TextSpan } from "../types.ts";
import { addEvidence, clip, type EnContext } from "./context.ts";

const NAME = String.raw`(?:[A-Z][\w.&'+-]*[a-zA-Z0-9]|[a-z]+[A-Z][\w]*)(?: (?:[A-Z][\w.&'+-]*|\d+))?`;
const NOT_A_NAME =
  /^(I|We|They|The|Our|Their|It|This|That|These|Those|A|An|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December|Q[1-4]|ASAP|Excel?s?|CEO|CFO|COO|CTO|IT|VP|OK|Okay|Yes|No|Mr|Mrs|Ms|Dr)\b/;

const CURRENT = new RegExp(
  String.raw`\b(?:currently |still |today |at the moment |right now )?(?:us(?:e|es|ing)|(?:are|is|we're) on|run(?:s|ning)? on|rel(?:y|ies|ying) on|stuck with|moving (?:off|away from)|switching (?:from|off)|replac(?:e|ing)|migrat(?:e|ing) (?:off|from)|contract with|locked in with|signed with|renew(?:al)? with|paying)\s+(${NAME})`,
  "g",
);
const EVALUATING = new RegExp(
  String.raw`\b(?:also |currently |already )?(?:talking to|speaking (?:to|with)|looking at|evaluating|comparing(?: \w+ (?:with|to|against))?|considering|trialling|trialing|piloting|demo(?:ed)? (?:of|with|from)|quotes? from|proposals? from|bids? from|shortlisted|against)\s+(${NAME})((?:(?:,| and| or) (?:${NAME}))*)`,
  "g",
);
const GENERIC =
  /\b(competitors?|other (?:vendors|suppliers|providers|options|tools|solutions|bidders)|incumbent|existing (?:supplier|vendor|provider|contract|system)|(?:current|existing|old|previous|former|legacy|last) (?:[a-z]+ )?(?:supplier|vendor|provider|system|tool|solution|platform|software|dialer|dialler|CRM|app|package)s?|preferred (?:supplier|vendor)|in-?house (?:tool|system|solution|build)|built (?:our|it|their) own|home-?grown|spreadsheets?|Excel|Google Sheets|pen and paper|paper forms|whiteboards?|do nothing|status quo|(?:several|multiple|two|three|a few) (?:other )?(?:quotes|vendors|suppliers|bids)|(?:two|three|four|several|a couple of) other)\b/gi;

/** Current solutions, rivals being evaluated, and generic alternatives (spreadsheets, in-house). */
export function readCompetition(ctx: EnContext): void {
  for (const s of ctx.claims) {
    for (const re of [CURRENT, EVALUATING]) {
      for (const h of hits(ctx.text, s.span, re)) {
        const name = h.groups[0];
        if (!name || NOT_A_NAME.test(name.text)) continue;
        if (name.start === s.span.start) continue;
        const more = h.groups[1]?.text ?? "";
        const names = [
          name.text,
          ...more
            .split(/,| and | or /)
            .map((x) => x.trim())
            .filter((x) => x && !NOT_A_NAME.test(x)),
        ];
        addEvidence(ctx, {
          rule: re === CURRENT ? "competition.current" : "competition.evaluating",
          element: "competition",
          span: h.span,
          summary: re === CURRENT ? `Uses ${name.text} today` : `Also looking at ${names.join(", ")}`,
          value: { type: "name", name: names.join(", ") },
        });
      }
    }
    for (const h of hits(ctx.text, s.span, GENERIC))
      addEvidence(ctx, {
        rule: "competition.alternative",
        element: "competition",
        span: h.span,
        summary: `Alternative or current way: "${clip(h.span.text)}"`,
      });
  }
}

const ITEM = String.raw`[\w/&'’+-]+(?: [\w/&'’+-]+){0,3}`;
const LIST = `(${ITEM}(?:, ${ITEM})+,? (?:and|or|&|plus) ${ITEM}|${ITEM} (?:and|&|plus) ${ITEM})`;
const LIST_CUE = new RegExp(
  String.raw`\b(want(?:s|ing|ed)?|need(?:s|ing|ed)?|requir(?:e|es|ed|ing|ements? (?:are|include|is))|must[- ]haves? (?:are|is|include)|must (?:have|support|include|offer|handle)|looking for|asking for|asked for|criteria (?:are|is|include)|features? (?:like|such as|including)|has to (?:have|support|offer|handle)|covering|with)(?:[: ]+(?:a |an |the |good |proper |better |solid |built-in |full )?)(${LIST})`,
  "gi",
);
const STRONG_CUE = /require|must|criteria|has to/i;
const NOT_CRITERIA =
  /^(?:to |a word|some time|time|more time|the |us |me |you |them )|\b(talk|speak|check|ask|think|run|loop|involve|discuss)\b/i;
const CRITERIA =
  /\b(deal[- ]?breakers?|non-negotiable|must integrate with|ha(?:s|ve) to integrate with|needs? to integrate with|integrat(?:e|es|ion) with [A-Z]\w+|must be (?:GDPR|HIPAA|ISO|SOC|compliant|on-?prem\w*|cloud|hosted|in the EU)|(?:GDPR|HIPAA|ISO 27001|SOC ?2)[- ]compliant|(?:evaluation |selection |decision )?criteria|what matters (?:most )?(?:to (?:us|them|him|her|the \w+) )?is|(?:judg|scor|weigh)(?:ed|ing) (?:on|by)|most important (?:thing|factor|criterion) (?:is|will be)|(?:price|cost|ease of use|support|security|integration) (?:is|will be) (?:the )?(?:deciding|main|key) factor)\b/gi;

function items(list: TextSpan): string[] {
  return list.text
    .split(/,\s*|\s+(?:and|or|&|plus)\s+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/** Requirement lists ("scripting, reporting, scheduled call-backs and monitoring") and criteria statements. */
export function readCriteria(ctx: EnContext): void {
  for (const s of ctx.claims) {
    for (const h of hits(ctx.text, s.span, LIST_CUE)) {
      const cue = h.groups[0]?.text ?? "";
      const list = h.groups[1];
      if (!list || NOT_CRITERIA.test(list.text)) continue;
      const found = items(list);
      if (found.length < 3 && !(found.length >= 2 && STRONG_CUE.test(cue))) continue;
      addEvidence(ctx, {
        rule: "criteria.list",
        element: "decision_criteria",
        span: list,
        summary: `Requirements: ${found.join("; ")}`,
        value: { type: "list", items: found },
      });
    }
    for (const h of hits(ctx.text, s.span, CRITERIA))
      addEvidence(ctx, {
        rule: "criteria.statement",
        element: "decision_criteria",
        span: h.span,
        summary: `Criterion: "${clip(s.span.text)}"`,
      });
  }
}

const QUOTE_REQUEST =
  /\b(request(?:ing|ed|s)? (?:a |for (?:a )?)?(?:quote|quotation|price|pricing|proposal)|ask(?:ing|ed|s)? (?:us )?for (?:a |our |your )?(?:quote|quotation|price|pricing|proposal|bid)|(?:send|need|want|would like|like) (?:a |our |your )?(?:quote|quotation|price list|pricing)|quote (?:on|for) \w+|RFQ|RFP|request for (?:quotation|proposal)|invitation to tender|tender)\b/gi;

/** A request for a quote or a tender: a step of the buying process, and a reason to ask why. */
export function readQuoteRequests(ctx: EnContext): void {
  for (const s of ctx.claims) {
    const h = hits(ctx.text, s.span, QUOTE_REQUEST)[0];
    if (!h) continue;
    ctx.out.facts.quoteRequests.push(h.span);
    addEvidence(ctx, {
      rule: "process.quote-request",
      element: "decision_process",
      span: h.span,
      summary: `Asks for a quote or runs a tender: "${clip(s.span.text)}"`,
    });
  }
}
