import { hits } from "../findings.ts";
import type { TextSpan } from "../types.ts";
import { addRedFlag, clip, type EnContext } from "./context.ts";

const VAGUE =
  /\b(improve (?:everything|things|efficiency|productivity|processes|our processes)|be (?:more|a bit more) (?:efficient|productive|effective|modern|agile)|take (?:things|it|us|the business) to the next level|best[- ]in[- ]class|world[- ]class|(?:just )?(?:looking|browsing|exploring) (?:around|options)|keeping (?:our|my) options open|(?:everything|things|it)(?:'s| is| are) (?:fine|ok|okay|good|alright)|all good|it depends|(?:I'm |we're |I am |we are )?not (?:really )?sure|no idea|hard to say|(?:somewhere|sometime) down the (?:line|road)|at some point|sometime(?! next)|maybe later|one day|whenever|the usual(?: stuff)?|the normal stuff|all sorts of (?:things|stuff)|a lot of things|various things|digital transformation|synergies|streamline (?:everything|things)|(?:we|I) (?:just )?want to (?:grow|improve|optimi[sz]e|modernise|modernize)(?: (?:things|stuff|in general|generally|overall))?(?=\s*[.!]?\s*$)|(?:grow|growth) in general|(?:everyone|everybody) (?:hates|loves|wants|complains)|nothing works|everything (?:is broken|needs fixing)|we need everything|all of (?:it|them|the above)|(?:kind|sort) of (?:everything|all over)|(?:the )?same as everyone(?: else)?)\b/gi;
const SPECIFIC =
  /\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred|thousand|million|January|February|March|April|May|June|July|August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday)\b/;

/** Vague blanket statements: a stock phrase with nothing concrete in the same sentence. */
export function readVague(ctx: EnContext): void {
  for (const s of ctx.claims) {
    if (SPECIFIC.test(s.span.text)) continue;
    const h = hits(ctx.text, s.span, VAGUE)[0];
    if (h)
      addRedFlag(ctx, "vague.blanket", "vague", h.span, `Vague, nothing concrete: "${clip(s.span.text)}"`);
  }
}

const OPEN_QUESTION =
  /^(?:(?:so|and|ok(?:ay)?|great|right|thanks|got it|sure|understood|cool)[,.!]?\s+)*(?:what|how|why|where|which|who|when|tell me|talk me|walk me|describe|explain|help me understand|(?:could|can|would) you (?:tell|describe|walk|explain|talk|share|say more|give me)|in what|what's|how's|what're|say more)\b/i;
const REPORTED =
  /\b(one-?word (?:answers?|replies|responses)|monosyllabic|(?:very |really |quite )?(?:short|curt|terse|brief|clipped) (?:answers|replies|responses)|(?:didn't|did not|wouldn't|would not|won't|refused to) (?:say much|elaborate|go into (?:any )?detail|open up|give (?:much|details|any details|anything) away|explain)|gave (?:nothing|little|very little) away|(?:only|just) (?:said|answered|replied) (?:yes|no|"yes"|"no"|fine|"fine"|ok))\b/gi;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
const SPECIFIC_ANSWER =
  /\d|[$€£]|\b(January|February|March|April|May|June|July|August|September|October|November|December|Q[1-4])\b/;

function words(text: string): number {
  return text.match(WORD)?.length ?? 0;
}

/**
 * Answers in a transcript (for the short-answer rules), notes reporting short answers, and a lead
 * text of a few words.
 */
export function readAnswers(ctx: EnContext): void {
  const { doc } = ctx;
  for (let i = 1; i < doc.turns.length; i++) {
    const prev = doc.turns[i - 1];
    const turn = doc.turns[i];
    if (!prev || !turn || prev.role !== "rep" || turn.role !== "buyer") continue;
    const asked = doc.sentences.filter((s) => s.turn === prev.index && s.isQuestion);
    const question = asked[asked.length - 1];
    if (!question) continue;
    const open = OPEN_QUESTION.test(question.span.text) || asked.some((q) => OPEN_QUESTION.test(q.span.text));
    ctx.out.facts.answers.push({
      question: question.span,
      answer: turn.span,
      open,
      words: words(turn.span.text),
      specific: SPECIFIC_ANSWER.test(turn.span.text),
    });
  }
  for (const s of ctx.claims)
    for (const h of hits(ctx.text, s.span, REPORTED))
      addRedFlag(
        ctx,
        "short-answer.reported",
        "short_answer",
        h.span,
        `The note reports short answers: "${clip(s.span.text)}"`,
      );
  if (!doc.dialogue) {
    const all = doc.turns.map((t) => t.span.text).join(" ");
    const first = doc.turns[0];
    if (first && words(all) > 0 && words(all) <= 3 && !SPECIFIC_ANSWER.test(all))
      addRedFlag(
        ctx,
        "short-answer.message",
        "short_answer",
        first.span,
        `The whole message is ${words(all)} word(s)`,
      );
  }
}

const FIRST =
  /\b(first(?:ly)?|first of all|step (?:one|1)|phase (?:one|1)|to begin with|to start with|initially|1[.)])(?=[\s,:])/gi;
const THEN =
  /\b(then|next|after that|afterwards|second(?:ly)?|step (?:two|2)|phase (?:two|2)|finally|followed by|once (?:that|this)(?:'s| is) done|2[.)])(?=[\s,:])/gi;

/** A sequential plan ("first ... then ... finally") in the buyer's words: a specific detail. */
export function readSequences(ctx: EnContext): void {
  const firsts: TextSpan[] = [];
  for (const s of ctx.claims) firsts.push(...hits(ctx.text, s.span, FIRST).map((h) => h.span));
  for (const f of firsts) {
    const after = ctx.claims.filter((s) => s.span.end > f.end && s.span.start < f.end + 400);
    const next = after
      .flatMap((s) => hits(ctx.text, s.span, THEN).map((h) => h.span))
      .find((x) => x.start > f.end);
    if (next) {
      const span: TextSpan = { start: f.start, end: next.end, text: ctx.text.slice(f.start, next.end) };
      ctx.out.facts.specifics.push({ span, kind: "plan" });
      return;
    }
  }
}
