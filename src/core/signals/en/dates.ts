import * as chrono from "chrono-node";
import { type DateFact, hits, overlaps } from "../findings.ts";
import type { SignalDateRole, TextSpan } from "../types.ts";
import { addEvidence, clip, type EnContext } from "./context.ts";

const BARE_DURATION =
  /^(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|\d+|a couple of|a few|(?:the )?next|this|the)\s+(?:days?|weeks?|months?|years?)$/i;
/** "approved for this financial year", "budget for Q3": the period a budget covers, not a deadline. */
const BUDGET_PERIOD =
  /\b(budget\w*|approved|allocated|set aside|earmarked|funds?|spend)\b[^.;]{0,30}\bfor\s+$/i;

/** "rising to 60 within a year": the period of a growth plan, not a buying deadline. */
const GROWTH_PERIOD =
  /\b(?:to|reach|reaching|hit|hitting)\s+(?:\d[\d,]*|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|one hundred)(?:-[a-z]+)?)(?:\s+[a-z-]+){0,2}\s+$/i;

const QUARTER_WORD: Readonly<Record<string, number>> = { first: 1, second: 2, third: 3, fourth: 4 };

/** Periods chrono does not read as deadlines: quarters, "end of the year", "year-end". */
const PERIOD =
  /\b(?:(?:the )?end of |by |before |in |during )?(?:the )?(?:(Q[1-4])|(first|second|third|fourth) quarter)(?: of)?(?: (\d{4}|next year|this year))?\b|\b(?:the )?end of (?:the |this )?(next )?(year|month|quarter)\b|\b(?:the )?(?:fiscal |financial )?year[- ]end\b|\b(this|next) (quarter|financial year|fiscal year)\b/gi;

const PAST_TENSE =
  /\b(was|were|had|did|tried|bought|signed|started|began|launched|moved|switched|hired|opened|installed|went|ago|since|last|back in|previously|used to)\b/i;
const FUTURE = /\b(will|'ll|need|needs|going to|plan|must|should|due|by|deadline|want|aim|expect|next)\b/i;

function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function endOfQuarter(year: number, q: number): Date {
  return new Date(Date.UTC(year, q * 3, 0, 12));
}

function readPeriod(
  h: { span: TextSpan; groups: readonly (TextSpan | undefined)[] },
  ref: Date,
): string | undefined {
  const [qCode, qWord, qYear, nextEnd, endUnit, thisNext, thisNextUnit] = h.groups.map((g) =>
    g?.text.toLowerCase(),
  );
  const year = ref.getUTCFullYear();
  const month = ref.getUTCMonth();
  if (qCode || qWord) {
    const q = qCode ? Number(qCode.slice(1)) : (QUARTER_WORD[qWord ?? ""] ?? 1);
    let y = qYear === "next year" ? year + 1 : qYear && /^\d{4}$/.test(qYear) ? Number(qYear) : year;
    if (!qYear && endOfQuarter(y, q) < ref) y += 1;
    return iso(endOfQuarter(y, q));
  }
  if (endUnit) {
    const n = nextEnd ? 1 : 0;
    if (endUnit === "year") return iso(new Date(Date.UTC(year + n, 11, 31, 12)));
    if (endUnit === "month") return iso(new Date(Date.UTC(year, month + 1 + n, 0, 12)));
    return iso(endOfQuarter(year, Math.floor(month / 3) + 1 + n));
  }
  if (thisNext && thisNextUnit) {
    const n = thisNext === "next" ? 1 : 0;
    if (thisNextUnit === "quarter") return iso(endOfQuarter(year, Math.floor(month / 3) + 1 + n));
    return iso(new Date(Date.UTC(year + n, 11, 31, 12)));
  }
  if (/year[- ]end/i.test(h.span.text)) return iso(new Date(Date.UTC(year, 11, 31, 12)));
  return undefined;
}

/** Cue families for what a date is for; specific families beat the generic `deadline`. */
const ROLE_CUES: readonly (readonly [SignalDateRole, RegExp])[] = [
  [
    "proposal",
    /\b(proposals?|quotes?|quotations?|bids?|offers?|tenders?|RFPs?|RFQs?|submissions?|pricing)\b/gi,
  ],
  [
    "decision",
    /\b(decisions?|decide[sd]?|deciding|selection|select(?:ed|ing)?|choos(?:e|ing)|chosen|choice|award(?:ed|ing)?|shortlist(?:ing)?|sign(?:ed|ing)?|signature|contract|go\/no-go|vote|approv(?:e|al))\b/gi,
  ],
  [
    "go_live",
    /\b(go(?:es|ing)? live|go-live|live|launch(?:es|ing)?|roll(?:ing)?[- ]?out|in place|up and running|operational|opening|opens?|ready|implemented|installed|deliver(?:ed|y)?|cut-?over|migrat(?:e|ion)|start(?:s|ing)? (?:using|taking))\b/gi,
  ],
  [
    "meeting",
    /\b(call|calls|meet|meeting|demo|follow[- ]?up|catch[- ]?up|speak|talk|chat|visit|lunch|coffee|webinar|workshop|session|back to (?:you|me)|get back|ring|holiday|vacation|out of office|conference|trade show)\b/gi,
  ],
  [
    "deadline",
    /\b(by|before|no later than|until|deadline|due|need(?:s|ed)? (?:it|this|them)|at the latest|in time for)\b/gi,
  ],
];

function roleFor(ctx: EnContext, window: TextSpan, dateSpan: TextSpan): SignalDateRole {
  let best: { role: SignalDateRole; distance: number } | undefined;
  let generic = false;
  for (const [role, re] of ROLE_CUES) {
    for (const h of hits(ctx.text, window, re)) {
      if (overlaps(h.span, dateSpan)) continue;
      if (role === "deadline") {
        generic = true;
        continue;
      }
      const distance =
        h.span.end <= dateSpan.start ? dateSpan.start - h.span.end : h.span.start - dateSpan.end + 15;
      if (!best || distance < best.distance) best = { role, distance };
    }
  }
  return best?.role ?? (generic ? "deadline" : "other");
}

const SUMMARY: Readonly<Record<SignalDateRole, string>> = {
  proposal: "Proposal or quote due",
  decision: "Decision date",
  go_live: "Needed in place by",
  deadline: "Deadline",
  meeting: "Meeting",
  past: "Past date",
  other: "Date",
};

/**
 * Dates and deadlines, resolved against the note's date with chrono-node (plus quarters and
 * "end of the year", which it does not read). A date is timeline evidence only when the words
 * around it make it a deadline, a decision or a go-live; meetings and past dates are not.
 */
export function readDates(ctx: EnContext): void {
  const ref = new Date(`${ctx.date}T12:00:00Z`);
  const refIso = ctx.date;
  for (const s of ctx.claims) {
    const found: { span: TextSpan; date: string }[] = [];
    for (const h of hits(ctx.text, s.span, PERIOD)) {
      const date = readPeriod(h, ref);
      if (date) found.push({ span: h.span, date });
    }
    const past = PAST_TENSE.test(s.span.text) && !FUTURE.test(s.span.text);
    for (const r of chrono.en.casual.parse(
      s.span.text,
      { instant: ref, timezone: 0 },
      { forwardDate: !past },
    )) {
      // quote the date itself: "on 18 June" -> "18 June"
      const lead = /^(?:on|the)\s+/i.exec(r.text)?.[0].length ?? 0;
      const start = s.span.start + r.index + lead;
      const span: TextSpan = { start, end: start + r.text.length - lead, text: r.text.slice(lead) };
      if (found.some((f) => overlaps(f.span, span))) continue;
      const c = r.start;
      const datey =
        c.isCertain("month") ||
        c.isCertain("weekday") ||
        (r.tags?.().has("result/relativeDate") ?? false) ||
        /\b(?:next|this) year\b/i.test(r.text);
      if (!datey || /^\d{1,2}\/7$/.test(r.text) || /\b(hours?|minutes?|seconds?)\b/i.test(r.text)) continue;
      if (/^(now|today|tonight)$/i.test(r.text)) continue;
      // "£12,000 a month", "for two years", "over the next year": durations and rates, not dates
      const before = s.span.text.slice(Math.max(0, r.index - 14), r.index);
      if (/^for\b/i.test(r.text)) continue;
      if (BARE_DURATION.test(r.text) && !/\b(in|within|inside|after)\s+$/i.test(before)) continue;
      if (/\b(over|for|per|every|each|during)\s+(?:the\s+)?(?:next\s+|last\s+|past\s+)?$/i.test(before))
        continue;
      found.push({ span, date: iso(c.date()) });
    }
    found.sort((a, b) => a.span.start - b.span.start);
    found.forEach((f, i) => {
      const from = i > 0 ? (found[i - 1]?.span.end ?? s.span.start) : s.span.start;
      const to = found[i + 1]?.span.start ?? s.span.end;
      const window: TextSpan = { start: from, end: to, text: ctx.text.slice(from, to) };
      const lead = ctx.text.slice(Math.max(s.span.start, f.span.start - 50), f.span.start);
      const role: SignalDateRole =
        f.date < refIso
          ? "past"
          : BUDGET_PERIOD.test(lead) || GROWTH_PERIOD.test(lead)
            ? "other"
            : roleFor(ctx, window, f.span);
      const fact: DateFact = { span: f.span, date: f.date, role };
      ctx.out.facts.dates.push(fact);
      if (role !== "past" && role !== "meeting" && (role !== "other" || /\d/.test(f.span.text)))
        ctx.out.facts.specifics.push({ span: f.span, kind: "date" });
      if (role === "past" || role === "meeting" || role === "other") return;
      const value = { type: "date", date: f.date, role } as const;
      addEvidence(ctx, {
        rule: `timeline.${role === "go_live" ? "go-live" : role}`,
        element: "timeline",
        span: f.span,
        summary: `${SUMMARY[role]}: ${f.date} ("${clip(f.span.text, 30)}")`,
        value,
      });
      if (role === "proposal" || role === "decision")
        addEvidence(ctx, {
          rule: "process.dated-step",
          element: "decision_process",
          span: f.span,
          summary: `${SUMMARY[role]} ${f.date} is a step of their process`,
          value,
        });
    });
  }
}

const URGENT =
  /\b(ASAP|as soon as possible|urgent(?:ly)?|right away|immediately|can't wait|cannot wait|before (?:the )?(?:busy|peak|holiday|summer|winter|christmas|high) ?(?:season|period|rush)?|in the next (?:few |couple of )?(?:weeks|months)|time[- ]critical|deadline is)\b/gi;
const NOT_URGENT =
  /\b(no rush|no hurry|no timeline|no deadline|not urgent|no urgency|no (?:set )?time ?frame|sometime next year|not in a hurry|nothing planned|no fixed date|whenever (?:it|you)|not (?:this|until next) year)\b/gi;

/** Urgency said in words, with or without a date. */
export function readUrgency(ctx: EnContext): void {
  for (const s of ctx.claims) {
    for (const h of hits(ctx.text, s.span, NOT_URGENT))
      addEvidence(ctx, {
        rule: "timeline.no-urgency",
        element: "timeline",
        polarity: "negative",
        span: h.span,
        summary: `No urgency: "${clip(h.span.text)}"`,
      });
    for (const h of hits(ctx.text, s.span, URGENT))
      addEvidence(ctx, {
        rule: "timeline.urgency",
        element: "timeline",
        span: h.span,
        summary: `Urgency: "${clip(h.span.text)}"`,
      });
  }
}
