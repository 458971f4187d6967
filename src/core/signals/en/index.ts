import { emptyFindings } from "../findings.ts";
import type { PackInput, SignalsLanguagePack } from "../language-pack.ts";
import { readCompetition, readCriteria, readQuoteRequests } from "./buying.ts";
import type { EnContext } from "./context.ts";
import { readDates, readUrgency } from "./dates.ts";
import { readBudgetStatements, readMoneyRules } from "./money.ts";
import { readNeeds } from "./needs.ts";
import { readPeople } from "./people.ts";
import { readChangeClaims, readQuantities } from "./quantities.ts";
import { EN_PHRASES, EN_QUESTIONS, enList } from "./texts.ts";
import { readAnswers, readSequences, readVague } from "./tone.ts";

const ABBREVIATIONS = new Set([
  "e.g",
  "i.e",
  "etc",
  "mr",
  "mrs",
  "ms",
  "dr",
  "vs",
  "approx",
  "inc",
  "ltd",
  "co",
  "no",
  "st",
  "jan",
  "feb",
  "mar",
  "apr",
  "jun",
  "jul",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
  "mon",
  "tue",
  "wed",
  "thu",
  "fri",
  "est",
  "dept",
  "fig",
]);

function read({ doc, date }: PackInput) {
  const out = emptyFindings();
  const claims = doc.sentences.filter((s) => s.role !== "rep" && !s.isQuestion);
  const ctx: EnContext = { text: doc.text, doc, date, claims, out };
  // dates first: change claims and money read the resolved dates
  readDates(ctx);
  readUrgency(ctx);
  readMoneyRules(ctx);
  readBudgetStatements(ctx);
  readQuantities(ctx);
  readChangeClaims(ctx);
  readPeople(ctx);
  readNeeds(ctx);
  readCompetition(ctx);
  readCriteria(ctx);
  readQuoteRequests(ctx);
  readVague(ctx);
  readAnswers(ctx);
  readSequences(ctx);
  return out;
}

/**
 * The English language pack.
 *
 * @example
 * readSignals(text, { date: "2026-05-20", lang: "en" });
 */
export const ENGLISH: SignalsLanguagePack = {
  lang: "en",
  segmentation: {
    repLabels: /^(q|rep|me|sdr|bdr|ae|sales|seller|interviewer|us|we|agent|winnow)$/i,
    buyerLabels: /^(a|buyer|prospect|client|customer|lead|them|they)$/i,
    fieldLabels:
      /^(note|notes|budget|timeline|next steps?|subject|from|to|company|date|re|summary|action items?|title|role|phone|email|website|message|source|status|attendees|pain|need|authority|decision|competition|requirements)$/i,
    abbreviations: ABBREVIATIONS,
  },
  read,
  questions: EN_QUESTIONS,
  phrases: EN_PHRASES,
  changeMarkers:
    /\b(but now|now (?:we|it|they|the budget)|since (?:then|the last|our last|we spoke)|finally|after all|this year|got approved|has changed|changed|no longer|any ?more|used to|last year|previously|until recently|at first|originally|was cut|were cut)\b/i,
  list: enList,
};
