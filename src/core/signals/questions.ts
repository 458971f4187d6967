import type { ElementId } from "../qualification/elements.ts";
import type { PackFindings } from "./findings.ts";
import { fill, type SignalsLanguagePack } from "./language-pack.ts";
import type { GoodSignId, RedFlagId, SignalEvidence, SignalItem, SignalQuestion, TextSpan } from "./types.ts";

/** Elements whose absence calls for a question, in the order to ask about them. */
export const ASK_WHEN_MISSING: readonly ElementId[] = [
  "need",
  "metrics",
  "authority",
  "economic_buyer",
  "decision_process",
  "timeline",
  "budget",
  "decision_criteria",
  "competition",
  "users",
];

type Ctx = {
  readonly pack: SignalsLanguagePack;
  readonly evidence: readonly SignalEvidence[];
  readonly redFlags: readonly SignalItem<RedFlagId>[];
  readonly goodSigns: readonly SignalItem<GoodSignId>[];
  readonly facts: PackFindings["facts"];
};

/**
 * Questions to ask next: first about the red flags, then about what was found (a tight decision
 * window, a quote request, growth, a requirement list, a named rival), then about the elements no
 * words spoke to. Each question says why it is asked.
 *
 * @example
 * signalQuestions(ctx, 8)[0].because; // "decision-window.short"
 */
export function signalQuestions(ctx: Ctx, max: number): SignalQuestion[] {
  const out: SignalQuestion[] = [];
  const ask = (
    id: string,
    because: string,
    vars: Record<string, string | number>,
    element?: ElementId,
    span?: TextSpan,
  ) => {
    const template = ctx.pack.questions[id];
    if (!template || out.some((q) => q.id === id)) return;
    out.push({
      id,
      text: fill(template, vars),
      because,
      ...(element ? { element } : {}),
      ...(span ? { span } : {}),
    });
  };
  const has = (element: ElementId) =>
    ctx.evidence.some((e) => e.element === element && e.polarity === "positive");
  const find = (rule: string) => ctx.evidence.find((e) => e.rule === rule);

  for (const f of ctx.redFlags) {
    if (f.rule === "decision-window.short") {
      const p = ctx.facts.dates.find((d) => d.role === "proposal");
      const d = ctx.facts.dates.find((x) => x.role === "decision");
      const days = p && d ? Math.round((Date.parse(d.date) - Date.parse(p.date)) / 864e5) : "?";
      ask(
        "q.decision_window",
        f.rule,
        { proposal: p?.span.text ?? "?", decision: d?.span.text ?? "?", days },
        "competition",
        f.span,
      );
    } else if (f.rule === "inconsistency.budget" || f.rule === "inconsistency.budget-amount") {
      const earlier = f.earlier?.[0]?.span.text ?? f.related?.[0]?.text ?? "?";
      ask(
        "q.inconsistency_budget",
        f.rule,
        { earlier: `"${earlier}"`, now: `"${f.span.text}"` },
        "budget",
        f.span,
      );
    } else if (f.rule === "inconsistency.deadline") {
      const earlier = f.earlier?.[0]?.span.text ?? "?";
      ask(
        "q.inconsistency_deadline",
        f.rule,
        { earlier: `"${earlier}"`, now: `"${f.span.text}"` },
        "timeline",
        f.span,
      );
    } else if (f.rule === "inconsistency.authority") {
      const earlier = f.earlier?.[0]?.span.text ?? f.related?.[0]?.text ?? "?";
      ask(
        "q.inconsistency_authority",
        f.rule,
        { earlier: `"${earlier}"`, now: `"${f.span.text}"` },
        "economic_buyer",
        f.span,
      );
    } else if (f.signal === "short_answer") ask("q.short_answers", f.rule, {}, "authority", f.span);
    else if (f.signal === "vague") ask("q.vague", f.rule, {}, "metrics", f.span);
    else if (f.signal === "unrealistic")
      ask("q.unrealistic", f.rule, { claim: f.span.text }, "metrics", f.span);
  }

  const quote = ctx.facts.quoteRequests[0];
  if (quote) {
    ask("q.quote_request", "process.quote-request", {}, "decision_process", quote);
    const goods = find("quantity.goods") ?? find("quantity.users");
    if (goods?.value?.type === "quantity")
      ask("q.quote_usage", goods.rule, { quantity: goods.span.text }, "need", goods.span);
  }
  const growth = find("plans.growth");
  if (growth?.value?.type === "growth")
    ask(
      "q.growth",
      growth.rule,
      { from: growth.value.from, to: growth.value.to, unit: growth.value.unit },
      "plans",
      growth.span,
    );
  const list = find("criteria.list");
  if (list?.value?.type === "list")
    ask(
      "q.criteria_rank",
      list.rule,
      { items: ctx.pack.list(list.value.items) },
      "decision_criteria",
      list.span,
    );
  const noBudget = find("budget.none");
  if (noBudget) ask("q.budget_none", noBudget.rule, {}, "budget", noBudget.span);
  const rival = ctx.evidence.find((e) => e.rule.startsWith("competition.") && e.value?.type === "name");
  if (rival?.value?.type === "name")
    ask("q.competitor", rival.rule, { name: rival.value.name }, "competition", rival.span);
  const buyer = find("economic-buyer.named");
  if (buyer?.value?.type === "name" && !has("authority"))
    ask("q.economic_buyer_meet", buyer.rule, { name: buyer.span.text }, "economic_buyer", buyer.span);
  const deadline = ctx.evidence.find(
    (e) => e.value?.type === "date" && (e.value.role === "go_live" || e.value.role === "deadline"),
  );
  if (deadline?.value?.type === "date" && !has("negative_consequences"))
    ask(
      "q.timeline_reason",
      deadline.rule,
      { date: deadline.span.text },
      "negative_consequences",
      deadline.span,
    );

  for (const element of ASK_WHEN_MISSING) {
    if (has(element)) continue;
    if (element === "metrics" && !has("need")) continue;
    if (element === "economic_buyer" && ctx.evidence.some((e) => e.rule === "authority.self-decides"))
      continue;
    ask(`missing.${element}`, `missing:${element}`, {}, element);
  }
  return out.slice(0, max);
}
