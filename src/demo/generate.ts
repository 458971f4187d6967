import type { EntryPath } from "../core/lifecycle/stages.ts";
import type {
  Account,
  Activity,
  BehaviourEvent,
  Contact,
  Deal,
  Instant,
  Lead,
  Seniority,
} from "../core/records.ts";
import { accountFit, demoAccountAt } from "./generate-account.ts";
import { generateEvents } from "./generate-events.ts";
import { generateJourney, type StageChange } from "./generate-journey.ts";
import { mixSeed, type Rng, seededRng } from "./prng.ts";
import {
  COMPETITOR_DOMAINS,
  DEPARTMENTS,
  type DemoDepartment,
  ENTRY_PATH_SHARE,
  FIRST_NAMES,
  FREE_MAIL_DOMAINS,
  LAST_NAMES,
  ROLE_BY_SENIORITY,
  SENIORITY_FIT,
  SENIORITY_SHARE,
  SOURCES,
  titleFor,
} from "./world.ts";

export type DemoOptions = {
  readonly seed: number;
  readonly accounts: number;
  readonly leads: number;
  /** Mean behaviour events per lead (engaged leads get more, cold ones fewer). */
  readonly eventsPerLead: number;
  /** First day leads are created, and how many days of leads there are. */
  readonly start: Instant;
  readonly days: number;
  /**
   * Days the history runs on after the last lead is created (default 90, so most leads have run
   * their course). 0 ends the history on the last creation day, leaving fresh MQLs and open work —
   * what a live demo workspace needs.
   */
  readonly tailDays?: number;
};

/** A small demo by default: 300 accounts, 2,000 leads over the year 2025. */
export const DEMO_DEFAULTS: DemoOptions = {
  seed: 42,
  accounts: 300,
  leads: 2_000,
  eventsPerLead: 10,
  start: "2025-01-06T00:00:00.000Z",
  days: 365,
};

/** Everything about one lead: its account and contact, the event ledger, attempts, stage moves and deal. */
export type LeadBundle = {
  readonly account: Account;
  readonly contact: Contact;
  readonly lead: Lead;
  readonly events: BehaviourEvent[];
  readonly activities: Activity[];
  readonly stages: StageChange[];
  readonly deal: Deal | null;
};

const DAY = 86_400_000;
const DEPT_SHARE = Object.fromEntries(Object.entries(DEPARTMENTS).map(([k, v]) => [k, v.share])) as Record<
  DemoDepartment,
  number
>;

/** When the demo history ends (leads keep moving for a quarter after the last one is created). */
export function demoEnd(o: DemoOptions): Instant {
  return new Date(Date.parse(o.start) + (o.days + (o.tailDays ?? 90)) * DAY).toISOString();
}

/**
 * Lead number `index` of the demo world, generated on its own (its random stream depends only on
 * the seed and the index), so a million leads can be streamed without keeping any.
 *
 * @example
 * const b = generateLead(DEMO_DEFAULTS, 7);
 * b.lead.id; // "lead-7"
 */
export function generateLead(o: DemoOptions, index: number): LeadBundle {
  const rng = seededRng(mixSeed(o.seed, 2, index));
  const account = demoAccountAt(o.seed, rng.int(0, o.accounts - 1));
  const leadId = `lead-${index}`;
  const kind = rng.weighted({ normal: 88, free_mail: 7, student: 3, competitor: 2 });
  const contact = makeContact(rng, `con-${index}`, account, kind);
  const junk = kind === "student" || kind === "competitor";
  const personaFit = Math.sqrt(SENIORITY_FIT[contact.seniority ?? "individual"] * deptFit(contact));
  const fit = junk ? 0 : accountFit(account) ** 0.6 * personaFit ** 0.4 * (kind === "free_mail" ? 0.7 : 1);
  const entryPath = rng.weighted(ENTRY_PATH_SHARE) as EntryPath;
  const source = rng.weighted(SOURCES[entryPath] as Record<string, number>);
  const boost =
    (entryPath === "standard" ? 0 : 0.25) + (source === "referral" || source === "partner" ? 0.12 : 0);
  const intent = Math.min(1, 0.75 * rng.next() ** 1.5 + 0.25 * fit * rng.next() + boost);
  const createdMs = Date.parse(o.start) + Math.floor(rng.next() * o.days * DAY);
  const endMs = Date.parse(demoEnd(o));
  const events = generateEvents(rng, {
    leadId,
    createdMs,
    endMs,
    intent,
    entryPath,
    contact,
    meanEvents: o.eventsPerLead,
  });
  const journey = generateJourney(rng, {
    leadId,
    accountId: account.id,
    accountName: account.name,
    employees: account.employees ?? 1,
    contact,
    createdMs,
    endMs,
    fit,
    intent,
    productOrConversion: entryPath !== "standard",
    junk,
  });
  const opportunity = journey.stages.find((s) => s.stage === "opportunity");
  if (opportunity) evaluationEvents(rng, leadId, Date.parse(opportunity.at), endMs, intent, events);
  const last = journey.stages[journey.stages.length - 1]!;
  const lead: Lead = {
    id: leadId,
    contactId: contact.id,
    accountId: account.id,
    source,
    entryPath,
    ownerId: journey.ownerId,
    stage: last.stage,
    stageEnteredAt: last.at,
    createdAt: new Date(createdMs).toISOString(),
  };
  return {
    account,
    contact,
    lead,
    events,
    activities: journey.activities,
    stages: journey.stages,
    deal: journey.deal,
  };
}

/** Streams `o.leads` lead bundles one at a time (constant memory whatever the count). */
export function* generateLeads(o: DemoOptions = DEMO_DEFAULTS, from = 0): Generator<LeadBundle> {
  for (let i = from; i < o.leads; i++) yield generateLead(o, i);
}

/** The whole small demo world in memory, as flat record lists (what a demo workspace imports). */
export type DemoDataset = {
  readonly accounts: Account[];
  readonly contacts: Contact[];
  readonly leads: Lead[];
  readonly events: BehaviourEvent[];
  readonly activities: Activity[];
  readonly stageChanges: (StageChange & { readonly leadId: string })[];
  readonly deals: Deal[];
};

export function generateDemo(o: DemoOptions = DEMO_DEFAULTS): DemoDataset {
  const accounts = new Map<string, Account>();
  const out: DemoDataset = {
    accounts: [],
    contacts: [],
    leads: [],
    events: [],
    activities: [],
    stageChanges: [],
    deals: [],
  };
  for (const b of generateLeads(o)) {
    accounts.set(b.account.id, b.account);
    out.contacts.push(b.contact);
    out.leads.push(b.lead);
    out.events.push(...b.events);
    out.activities.push(...b.activities);
    for (const s of b.stages) out.stageChanges.push({ leadId: b.lead.id, ...s });
    if (b.deal) out.deals.push(b.deal);
  }
  out.accounts.push(...[...accounts.values()].sort((a, b) => Number(a.id.slice(4)) - Number(b.id.slice(4))));
  return out;
}

function deptFit(c: Contact): number {
  const { department: d } = c.attributes;
  return typeof d === "string" && d in DEPARTMENTS ? DEPARTMENTS[d as DemoDepartment].fit : 0.3;
}

function makeContact(
  rng: Rng,
  id: string,
  account: Account,
  kind: "normal" | "free_mail" | "student" | "competitor",
): Contact {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const local = `${first}.${last}`
    .toLowerCase()
    .normalize("NFD")
    .replace(/[^a-z.]/g, "");
  const seniority: Seniority = kind === "student" ? "intern" : rng.weighted(SENIORITY_SHARE);
  const dept = rng.weighted(DEPT_SHARE);
  const domain =
    kind === "competitor"
      ? rng.pick(COMPETITOR_DOMAINS)
      : kind === "student"
        ? "student.university.edu"
        : kind === "free_mail"
          ? rng.pick(FREE_MAIL_DOMAINS)
          : (account.domain ?? "unknown.example");
  const emailStatus = rng.weighted({ valid: 86, unknown: 10, bounced: 4 });
  return {
    id,
    accountId: account.id,
    // The contact number keeps e-mails unique (the database requires it), as real addresses are.
    email: `${local}${id.slice(4)}@${domain}`,
    firstName: first,
    lastName: last,
    title: kind === "student" ? "Student" : titleFor(seniority, dept),
    seniority,
    buyingRole: rng.weighted(ROLE_BY_SENIORITY[seniority] as Record<string, number>) as Contact["buyingRole"],
    phone: rng.chance(0.7) ? `+1 555 ${String(rng.int(0, 9_999_999)).padStart(7, "0")}` : null,
    emailStatus,
    unsubscribed: rng.chance(0.05),
    attributes: { department: dept },
  };
}

/** Buyers who evaluate seriously come back to pricing, security and implementation material. */
function evaluationEvents(
  rng: Rng,
  leadId: string,
  fromMs: number,
  endMs: number,
  intent: number,
  events: BehaviourEvent[],
): void {
  const n = Math.floor(5 * intent * intent + rng.next() * 2);
  if (n === 0) return;
  for (let k = 0; k < n; k++) {
    const at = fromMs - rng.next() * 10 * DAY + rng.next() * 30 * DAY;
    if (at > endMs) continue;
    const late = rng.chance(0.5);
    events.push({
      id: `${leadId}-v${k}`,
      leadId,
      type: late ? "asset_download" : "pricing_page_view",
      occurredAt: new Date(Math.round(at)).toISOString(),
      properties: late
        ? {
            asset: rng.pick(["security-whitepaper", "implementation-guide", "roi-calculator"]),
            stage: "late",
          }
        : {},
    });
  }
  events.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
}
