import type { EntryPath } from "../core/lifecycle/stages.ts";
import type { BehaviourEvent, Contact } from "../core/records.ts";
import type { Rng } from "./prng.ts";
import { ASSETS, PAGES } from "./world.ts";

const DAY = 86_400_000;

export type EventPlan = {
  readonly leadId: string;
  readonly createdMs: number;
  readonly endMs: number;
  readonly intent: number;
  readonly entryPath: EntryPath;
  readonly contact: Contact;
  readonly meanEvents: number;
};

/**
 * Behaviour events of one lead, oldest first: mostly page views and e-mail opens; pricing views,
 * late-stage assets, webinars and demo requests grow with the lead's (hidden) intent. PQLs start
 * with a trial, CQLs with a form or a call; bounced and unsubscribed contacts leave that trace.
 */
export function generateEvents(rng: Rng, p: EventPlan): BehaviourEvent[] {
  const i = p.intent;
  const weights = {
    page_view: 30,
    email_open: 18,
    email_click: 4 + 8 * i,
    pricing_page_view: 1 + 14 * i * i,
    asset_download: 5 + 6 * i,
    webinar_registered: 3,
    webinar_attended: 1 + 4 * i,
    demo_request: 0.2 + 3 * i * i * i,
  };
  const n = Math.max(1, Math.round(p.meanEvents * (0.35 + 1.3 * i) * (0.5 + rng.next())));
  const times: number[] = [];
  const types: string[] = [];
  const props: BehaviourEvent["properties"][] = [];
  const push = (type: string, at: number, properties: BehaviourEvent["properties"] = {}) => {
    if (at > p.endMs) return;
    types.push(type);
    times.push(at);
    props.push(properties);
  };
  if (p.entryPath === "pql") push("trial_started", p.createdMs, { plan: rng.pick(["free", "trial"]) });
  if (p.entryPath === "cql")
    push(rng.chance(0.75) ? "form_submitted" : "click_to_call", p.createdMs, { form: "contact-sales" });
  const spread = DAY * (10 + 50 * i);
  for (let k = types.length; k < n; k++) {
    const at = rng.chance(0.2)
      ? p.createdMs - rng.next() * 14 * DAY
      : p.createdMs + -Math.log(1 - rng.next()) * spread;
    const type = rng.weighted(weights);
    if (type === "page_view") push(type, at, { path: rng.pick(PAGES) });
    else if (type === "asset_download") {
      const stage = rng.chance(0.25 + 0.5 * i) ? "late" : "early";
      push(type, at, { asset: rng.pick(ASSETS[stage]), stage });
    } else if (type.startsWith("email_")) push(type, at, { campaign: `nurture-${rng.int(1, 12)}` });
    else if (type.startsWith("webinar_"))
      push(type, at, { topic: rng.pick(["scoring-101", "meddic-in-practice", "forecasting"]) });
    else push(type, at);
  }
  if (p.contact.emailStatus === "bounced") push("email_bounced", p.createdMs + rng.int(1, 20) * DAY, {});
  if (p.contact.unsubscribed) push("unsubscribed", p.createdMs + rng.int(5, 60) * DAY, {});
  const order = times.map((_, k) => k).sort((a, b) => times[a]! - times[b]! || a - b);
  return order.map((k, seq) => ({
    id: `${p.leadId}-e${seq}`,
    leadId: p.leadId,
    type: types[k]!,
    occurredAt: new Date(Math.round(times[k]!)).toISOString(),
    properties: props[k]!,
  }));
}
