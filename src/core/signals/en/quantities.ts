import type { ElementId } from "../../qualification/elements.ts";
import { hits, overlaps } from "../findings.ts";
import type { TextSpan } from "../types.ts";
import { addEvidence, clip, type EnContext } from "./context.ts";
import { NUMBER, NUMBER_STRICT, parseNumber } from "./numbers.ts";

/** People and seats who would use the product. */
const USER_UNITS =
  "people|agents|seats|users|licen[cs]es|reps|sales ?reps|salespeople|sellers|nurses|doctors|clinicians|engineers|developers|technicians|drivers|operators|advisors|advisers|team members|recruiters|consultants|associates|workstations|desks|logins|dispatchers|carers|teachers|staff members";
/** Head count and sites: the size of the company. */
const COMPANY_UNITS =
  "employees|staff|workers|headcount|FTEs?|offices|sites|locations|branches|stores|shops|clinics|hospitals|plants|factories|warehouses|countries|restaurants|hotels|schools|campuses|depots|centres|centers";
/** Things to buy. */
const GOODS_UNITS =
  "pumps|devices|units|machines|laptops|vehicles|trucks|vans|printers|phones|handsets|terminals|beds|scanners|sensors|monitors|cameras|servers|routers|tablets|kiosks";
/** Volumes of work: they size the problem. */
const ACTIVITY_UNITS =
  "calls|tickets|leads|orders|complaints|customers|clients|patients|invoices|shipments|deliveries|requests|emails|transactions|bookings|appointments|returns|errors|incidents|claims|applications|visits|no-shows|deals|accounts";

const UNIT_CLASS: readonly (readonly [RegExp, ElementId, string])[] = [
  [new RegExp(`^(?:${USER_UNITS})$`, "i"), "users", "quantity.users"],
  [new RegExp(`^(?:${COMPANY_UNITS})$`, "i"), "company_size", "quantity.company"],
  [new RegExp(`^(?:${GOODS_UNITS})$`, "i"), "metrics", "quantity.goods"],
  [new RegExp(`^(?:${ACTIVITY_UNITS})$`, "i"), "metrics", "quantity.volume"],
];
const ALL_UNITS = `${USER_UNITS}|${COMPANY_UNITS}|${GOODS_UNITS}|${ACTIVITY_UNITS}`;

/** "30 agents", "100 syringe pumps", "thirty call-centre agents" */
const QUANTITY = new RegExp(
  String.raw`\b(${NUMBER_STRICT})(?:\+)? (?:(?:new|more|extra|additional|full-time|part-time|[a-z]+-?[a-z]+) ){0,2}?(${ALL_UNITS})\b`,
  "gi",
);

/** "30 agents growing to 60", "from 30 to 60 seats", "scale from 10 users to 50" */
const GROWTH = [
  new RegExp(
    String.raw`\b(${NUMBER_STRICT}) (?:[a-z-]+ ){0,2}?(${ALL_UNITS})\b[^.;?!]{0,50}?\b(?:grow(?:s|ing)?|go(?:ing)?|expand(?:s|ing)?|scal(?:e|es|ing)(?: up)?|ris(?:e|es|ing)|increas(?:e|es|ing)|ramp(?:s|ing)?(?: up)?|mov(?:e|ing)|doubl(?:e|ing)|ris(?:e|ing)|climb(?:ing)?|up)\s+(?:up\s+)?to\s+(${NUMBER_STRICT})\b`,
    "gi",
  ),
  new RegExp(
    String.raw`\bfrom (${NUMBER_STRICT}) (?:[a-z-]+ ){0,2}?(${ALL_UNITS}) to (${NUMBER_STRICT})\b`,
    "gi",
  ),
  new RegExp(
    String.raw`\bfrom (${NUMBER_STRICT}) to (${NUMBER_STRICT}) (?:[a-z-]+ ){0,2}?(${ALL_UNITS})\b`,
    "gi",
  ),
];

/** "from 7 to 5 minutes", "from 60% to 75%": a measured change. */
const RANGE = new RegExp(String.raw`\bfrom (${NUMBER_STRICT})(?: ?%)? to (${NUMBER_STRICT})\b`, "gi");
const PERCENT = /\b(\d+(?:\.\d+)?) ?(?:%|percent\b|per cent\b)/gi;
const DURATION = new RegExp(
  String.raw`\b(${NUMBER}) (?:full |whole |working )?(hours?|minutes?|days?|weeks?|months?)\b(?: (?:a|per|each|every) (?:day|week|month|agent|person|call|ticket|order|case|year))?`,
  "gi",
);

function classify(unit: string): readonly [ElementId, string] {
  for (const [re, element, rule] of UNIT_CLASS) if (re.test(unit)) return [element, rule];
  return ["metrics", "quantity.volume"];
}

/**
 * Quantities ("30 agents", "100 syringe pumps"), growth ("30 seats growing to 60"), percentages and
 * durations. Growth is a plan (and a change claim checked for realism); counts of users and goods
 * size the deal, head counts and sites size the company, volumes of work size the problem.
 */
export function readQuantities(ctx: EnContext): void {
  for (const s of ctx.claims) {
    const growthSpans: TextSpan[] = [];
    for (const re of GROWTH) {
      for (const h of hits(ctx.text, s.span, re)) {
        const g = h.groups;
        const third = re === GROWTH[2];
        const from = parseNumber(g[0]?.text ?? "");
        const to = parseNumber((third ? g[1] : g[2])?.text ?? "");
        const unit = ((third ? g[2] : g[1])?.text ?? "").toLowerCase();
        if (from === undefined || to === undefined || from <= 0 || to <= from) continue;
        if (growthSpans.some((x) => overlaps(x, h.span))) continue;
        growthSpans.push(h.span);
        ctx.out.facts.specifics.push({ span: h.span, kind: "growth" });
        addEvidence(ctx, {
          rule: "plans.growth",
          element: "plans",
          span: h.span,
          summary: `Growth from ${from} to ${to} ${unit}`,
          value: { type: "growth", from, to, unit },
        });
        ctx.out.facts.claims.push({ span: h.span, factor: to / from, days: daysIn(ctx, s.span) });
      }
    }
    for (const h of hits(ctx.text, s.span, QUANTITY)) {
      const value = parseNumber(h.groups[0]?.text ?? "");
      const unit = (h.groups[1]?.text ?? "").toLowerCase();
      if (value === undefined || value < 2) continue;
      const [element, rule] = classify(unit);
      ctx.out.facts.specifics.push({ span: h.span, kind: "quantity" });
      addEvidence(ctx, {
        rule,
        element,
        span: h.span,
        summary: `${value} ${unit}`,
        value: { type: "quantity", value, unit },
      });
    }
    for (const h of hits(ctx.text, s.span, PERCENT))
      ctx.out.facts.specifics.push({ span: h.span, kind: "percent" });
    for (const h of hits(ctx.text, s.span, RANGE))
      for (const g of h.groups) if (g) ctx.out.facts.specifics.push({ span: g, kind: "quantity" });
    for (const h of hits(ctx.text, s.span, DURATION)) {
      if (
        /\b(ago|since|for the last|for the past)\b/i.test(
          ctx.text.slice(Math.max(s.span.start, h.span.start - 16), h.span.end + 4),
        )
      )
        continue;
      ctx.out.facts.specifics.push({ span: h.span, kind: "duration" });
    }
  }
}

const FACTOR_WORDS: Readonly<Record<string, number>> = {
  double: 2,
  treble: 3,
  triple: 3,
  quadruple: 4,
  quintuple: 5,
};
const BUSINESS =
  "revenue|sales|turnover|income|profits?|leads|pipeline|customers|clients|bookings|sign-?ups|users|traffic|conversions?|business|margins?|market share|orders|deals|output|productivity|ARR|MRR";

const CHANGE = [
  // "quadruple revenue", "4x our pipeline", "grow sales four-fold"
  new RegExp(
    String.raw`\b(?:(double|treble|triple|quadruple|quintuple)|(\d+|two|three|four|five|six|seven|eight|nine|ten)(?: ?x|[- ]?fold| times))\b[^.;!?]{0,25}?\b(${BUSINESS})\b|\b(${BUSINESS})\b[^.;!?]{0,25}?\b(?:(doubl(?:e|ed|ing)|trebl\w*|tripl\w*|quadrupl\w*)|(\d+|two|three|four|five|six|seven|eight|nine|ten)(?: ?x|[- ]?fold| times))\b`,
    "gi",
  ),
  // "grow revenue by 300%", "increase leads by 150 percent"
  new RegExp(
    String.raw`\b(?:grow|increase|boost|raise|lift|improve|double)\w*\s+(?:our\s+|the\s+|their\s+)?(?:${BUSINESS})\s+by\s+(\d+(?:\.\d+)?)\s?(?:%|percent|per cent)`,
    "gi",
  ),
  // "cut costs by 90%"
  /\b(?:cut|reduce|lower|slash|halve)\w*\s+(?:our\s+|the\s+)?(?:costs?|churn|errors?|spend|headcount|wait(?:ing)? times?|handle time)\s+by\s+(\d+(?:\.\d+)?)\s?(?:%|percent|per cent)/gi,
];

const PERIOD_WORDS = new RegExp(
  String.raw`\b(?:in|within|over|inside|by|before|during|after)\s+(?:the\s+)?(?:next\s+|first\s+|coming\s+)?(${NUMBER}|a|one|a couple of|a few)?\s*(days?|weeks?|months?|quarters?|years?)\b|\bovernight\b|\b(?:by|before)\s+(?:the\s+)?(?:end of\s+)?(?:this|next|the)\s+(week|month|quarter|year)\b`,
  "gi",
);
const DAYS: Readonly<Record<string, number>> = { day: 1, week: 7, month: 30, quarter: 91, year: 365 };

/** Days a claim is meant to take, from words ("in two weeks") or the nearest resolved date. */
export function daysIn(ctx: EnContext, sentence: TextSpan): number | null {
  const h = hits(ctx.text, sentence, PERIOD_WORDS)[0];
  if (h) {
    if (/overnight/i.test(h.span.text)) return 1;
    const [n, unit, edgeUnit] = h.groups.map((g) => g?.text.toLowerCase());
    if (unit) {
      const count = n === undefined ? 1 : n === "a few" ? 3 : (parseNumber(n.replace(/ of$/, "")) ?? 1);
      return count * (DAYS[unit.replace(/s$/, "")] ?? 30);
    }
    if (edgeUnit) return DAYS[edgeUnit] ?? 30;
  }
  const date = ctx.out.facts.dates.find(
    (d) => d.span.start >= sentence.start && d.span.end <= sentence.end && d.role !== "past",
  );
  if (date) return Math.max(1, Math.round((Date.parse(date.date) - Date.parse(ctx.date)) / 864e5));
  return null;
}

/** Claims of big change over a period: read here, judged by the language-neutral realism rule. */
export function readChangeClaims(ctx: EnContext): void {
  for (const s of ctx.claims) {
    for (const [i, re] of CHANGE.entries()) {
      for (const h of hits(ctx.text, s.span, re)) {
        let factor: number | undefined;
        if (i === 0) {
          const g = h.groups.map((x) => x?.text.toLowerCase());
          const word = g[0] ?? g[4];
          const num = g[1] ?? g[5];
          if (word)
            factor =
              FACTOR_WORDS[word] ??
              FACTOR_WORDS[word.replace(/(d|ing)$/, "").replace(/l$/, "le")] ??
              (/^doubl/.test(word)
                ? 2
                : /^tripl|^trebl/.test(word)
                  ? 3
                  : /^quadrupl/.test(word)
                    ? 4
                    : undefined);
          else if (num) factor = parseNumber(num);
        } else {
          const p = Number(h.groups[0]?.text ?? "0");
          factor = i === 1 ? 1 + p / 100 : p >= 100 ? 100 : 1 / (1 - p / 100);
        }
        if (factor === undefined || factor <= 1) continue;
        ctx.out.facts.claims.push({ span: h.span, factor, days: daysIn(ctx, s.span) });
      }
    }
  }
}

/** Short description of a claim, for summaries. */
export function describeClaim(span: TextSpan): string {
  return clip(span.text, 50);
}
