import type { Stage } from "../core/lifecycle/stages.ts";
import type { Activity, AttemptOutcome, Contact, Deal, Instant } from "../core/records.ts";
import type { Rng } from "./prng.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** One move of a lead through the funnel, with the reason for rejections and disqualifications. */
export type StageChange = { readonly stage: Stage; readonly at: Instant; readonly reason: string | null };

export type JourneyPlan = {
  readonly leadId: string;
  readonly accountId: string;
  readonly accountName: string;
  readonly employees: number;
  readonly contact: Contact;
  readonly createdMs: number;
  readonly endMs: number;
  /** Hidden truths: how well the lead fits (0..1) and how much it wants to buy (0..1). */
  readonly fit: number;
  readonly intent: number;
  readonly productOrConversion: boolean;
  readonly junk: boolean;
};

export type Journey = {
  readonly stages: StageChange[];
  readonly activities: Activity[];
  readonly deal: Deal | null;
  readonly ownerId: string | null;
};

const iso = (ms: number) => new Date(Math.round(ms)).toISOString();
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Walks a lead through the funnel the way real ones go: marketing qualifies on fit and behaviour,
 * SDRs try to reach it (and reject it as unreachable, inaccurate data, no BANT or no fit), accepted
 * leads qualify into opportunities, and deals are won more often when fit and intent are high —
 * with noise, so a score can only rank, never know.
 */
export function generateJourney(rng: Rng, p: JourneyPlan): Journey {
  const stages: StageChange[] = [{ stage: "new", at: iso(p.createdMs), reason: null }];
  const activities: Activity[] = [];
  const move = (stage: Stage, at: number, reason: string | null = null): boolean => {
    if (at > p.endMs) return false;
    stages.push({ stage, at: iso(at), reason });
    return true;
  };
  if (p.junk) {
    move("disqualified", p.createdMs + rng.int(1, 5) * DAY, "no_fit");
    return { stages, activities, deal: null, ownerId: null };
  }
  const mqlSignal = 0.6 * p.intent + 0.4 * p.fit + 0.12 * rng.normal() + (p.productOrConversion ? 0.15 : 0);
  if (mqlSignal < 0.55) return { stages, activities, deal: null, ownerId: null };
  const mqlAt = p.createdMs + rng.next() * (4 + 20 * (1 - p.intent)) * DAY;
  if (!move("mql", mqlAt)) return { stages, activities, deal: null, ownerId: null };
  const ownerId = `rep-${rng.int(1, 8)}`;
  // Contact attempts until someone answers or the SLA (4 attempts over 6+ days) runs out.
  const wrongData = p.contact.emailStatus === "bounced" && rng.chance(0.7);
  const answerP = wrongData ? 0.02 : 0.06 + 0.4 * p.intent;
  let t = mqlAt + rng.next() * 8 * HOUR;
  let connected = false;
  for (let k = 0; k < 6 && !connected; k++) {
    const type = k % 2 === 0 ? "call" : "email";
    connected = rng.chance(answerP);
    const outcome: AttemptOutcome = connected
      ? type === "call"
        ? "connected"
        : "replied"
      : wrongData
        ? type === "call"
          ? "wrong_number"
          : "bounced"
        : type === "call"
          ? rng.pick(["no_answer", "voicemail"] as const)
          : "sent";
    if (t > p.endMs) break;
    activities.push({
      id: `${p.leadId}-a${k}`,
      leadId: p.leadId,
      type,
      outcome,
      occurredAt: iso(t),
      by: ownerId,
      body: null,
    });
    if (wrongData && k >= 1) break;
    t += (1 + rng.next() * 2) * DAY;
  }
  if (!connected) {
    move("recycled", t + DAY, wrongData ? "inaccurate_data" : "unreachable");
    return { stages, activities, deal: null, ownerId };
  }
  if (!move("sal", t + rng.next() * 4 * HOUR)) return { stages, activities, deal: null, ownerId };
  t += (1 + rng.next() * 6) * DAY;
  if (p.fit < 0.35 && rng.chance(0.6)) {
    move("recycled", t, "no_fit");
    return { stages, activities, deal: null, ownerId };
  }
  if (!rng.chance(sigmoid(-1.6 + 2.2 * p.fit + 2.0 * p.intent + 0.4 * rng.normal()))) {
    move("recycled", t, "no_bant");
    return { stages, activities, deal: null, ownerId };
  }
  activities.push({
    id: `${p.leadId}-m`,
    leadId: p.leadId,
    type: "meeting",
    outcome: null,
    occurredAt: iso(t - DAY),
    by: ownerId,
    body: "Discovery call",
  });
  if (!move("sql", t)) return { stages, activities, deal: null, ownerId };
  t += (2 + rng.next() * 10) * DAY;
  if (!rng.chance(0.85)) {
    move("recycled", t, "no_bant");
    return { stages, activities, deal: null, ownerId };
  }
  if (!move("opportunity", t)) return { stages, activities, deal: null, ownerId };
  const closeMs = t + (20 + rng.next() * 100) * DAY;
  const won = rng.chance(sigmoid(-5.4 + 4.6 * p.fit + 2.8 * p.intent + 0.5 * rng.normal()));
  const closed = closeMs <= p.endMs;
  const deal: Deal = {
    id: `${p.leadId}-d`,
    accountId: p.accountId,
    leadId: p.leadId,
    name: `${p.accountName} — Winnow`,
    amount: Math.round((4_000 + Math.min(p.employees, 5_000) * 40) * (0.5 + rng.next())),
    currency: "USD",
    status: closed ? (won ? "won" : "lost") : "open",
    createdAt: iso(t),
    closeDate: closed ? iso(closeMs) : null,
    reason: closed && !won ? rng.pick(["no_decision", "competitor", "price", "timing"]) : null,
  };
  if (closed) move(won ? "won" : "lost", closeMs, won ? null : deal.reason);
  return { stages, activities, deal, ownerId };
}
