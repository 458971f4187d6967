import type { Api } from "./client.ts";
import type {
  ActivityItem,
  EventItem,
  ExplanationLine,
  HistoryItem,
  LeadFilters,
  LeadPage,
  LeadRow,
  LeadView,
  ScoreView,
} from "./types.ts";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function personName(c: Json): string | null {
  const full = [str(c["firstName"]), str(c["lastName"])].filter(Boolean).join(" ");
  return full || str(c["name"]);
}

/** A list row, from either a flat item or `{ lead, contact, account, score }`. */
export function toLeadRow(raw: unknown): LeadRow {
  const item = obj(raw);
  const lead = item["lead"] ? obj(item["lead"]) : item;
  const contact = obj(item["contact"]);
  const account = obj(item["account"]);
  const score = obj(item["score"]);
  return {
    id: String(lead["id"] ?? ""),
    stage: String(lead["stage"] ?? "new"),
    source: str(lead["source"]),
    ownerId: str(lead["ownerId"]),
    name: str(item["name"]) ?? personName(contact),
    email: str(item["email"]) ?? str(contact["email"]),
    company: str(item["company"]) ?? str(account["name"]),
    fit: num(item["fit"]) ?? num(score["fit"]),
    engagement: num(item["engagement"]) ?? num(score["engagement"]),
    grade: str(item["grade"]) ?? str(score["grade"]),
    probability: num(item["probability"]) ?? num(score["probability"]),
    slaDueAt: str(lead["slaDueAt"]),
    stageEnteredAt: String(lead["stageEnteredAt"] ?? ""),
    version: num(lead["version"]) ?? 1,
    createdAt: String(lead["createdAt"] ?? ""),
    reason: str(lead["reason"]),
  };
}

export async function listLeads(
  api: Api,
  filters: LeadFilters,
  cursor: string | null,
  limit = 25,
): Promise<LeadPage> {
  const page = await api.get<Json>("/v1/leads", {
    stage: filters.stage,
    grade: filters.grade,
    source: filters.source,
    ownerId: filters.owner,
    q: filters.q,
    sort: "priority",
    limit,
    cursor,
  });
  return {
    items: arr(page["data"] ?? page["items"]).map(toLeadRow),
    nextCursor: str(page["nextCursor"]),
    total: num(page["total"]),
  };
}

function toScore(raw: unknown): ScoreView | null {
  if (!raw) return null;
  const s = obj(raw);
  const explanation = s["explanation"];
  const lines: ExplanationLine[] = arr(
    Array.isArray(explanation) ? explanation : obj(explanation)["lines"],
  ).map((l) => {
    const line = obj(l);
    const points = num(line["points"]) ?? 0;
    return {
      rule: String(line["ruleId"] ?? line["rule"] ?? line["id"] ?? ""),
      side: String(line["side"] ?? ""),
      kind: String(line["kind"] ?? ""),
      group: str(line["group"]),
      points,
      decayedTo: num(line["decayedTo"]) ?? points,
      capped: line["capped"] === true,
      events: num(line["events"]),
    };
  });
  return {
    fit: num(s["fit"]) ?? 0,
    engagement: num(s["engagement"]) ?? 0,
    grade: str(s["grade"]),
    probability: num(s["probability"]),
    lines,
    computedAt: str(s["computedAt"]),
  };
}

export async function getLead(api: Api, id: string): Promise<LeadView> {
  // The page shows the 50 most recent events (the API carries 20 unless asked) and the last 200
  // stage and owner changes, newest first: the detail's own history is the most recent entries of
  // every kind, mostly score changes on a lead scored often, so it is not asked for.
  const path = `/v1/leads/${encodeURIComponent(id)}`;
  const [raw, stages] = await Promise.all([
    api.get<Json>(path, { events: 50, history: 0 }),
    api.get<{ data: HistoryItem[] }>(`${path}/history`, { kind: "stage,owner", limit: 200 }),
  ]);
  const lead = obj(raw["lead"] ?? raw);
  const card = raw["scorecard"] ? obj(raw["scorecard"]) : null;
  return {
    lead: {
      ...toLeadRow(raw),
      entryPath: String(lead["entryPath"] ?? "standard"),
      reEntry: lead["reEntry"] ?? null,
    },
    contact: obj(raw["contact"]),
    account: raw["account"] ? obj(raw["account"]) : null,
    score: toScore(raw["score"]),
    events: arr(raw["events"]) as EventItem[],
    activities: arr(raw["activities"]) as ActivityItem[],
    history: stages.data,
    slaBreaches: arr(raw["slaBreaches"]) as Json[],
    scorecard: card
      ? {
          version: num(card["version"]) ?? 0,
          framework: String(card["framework"] ?? "bant"),
          evidence: obj(card["evidence"]),
        }
      : null,
  };
}

export const REJECT_REASONS = [
  { id: "unreachable", label: "Unreachable (no answer within the SLA)" },
  { id: "inaccurate_data", label: "Inaccurate data (wrong phone or email)" },
  { id: "no_bant", label: "No BANT (budget, authority, need or timing)" },
  { id: "no_fit", label: "No fit (need does not match what we sell)" },
] as const;

/** Moves a lead to another stage (accept = sal, reject = recycled with a reason, advance = sql). */
export async function moveLead(
  api: Api,
  id: string,
  body: { to: string; reason?: string; expectedVersion?: number },
): Promise<unknown> {
  return api.post(`/v1/leads/${encodeURIComponent(id)}/moves`, body);
}

export async function logAttempt(
  api: Api,
  id: string,
  body: { type: string; outcome: string | null; body: string | null; occurredAt: string },
): Promise<unknown> {
  return api.post(`/v1/leads/${encodeURIComponent(id)}/activities`, body);
}

export async function assign(
  api: Api,
  id: string,
  ownerId: string | null,
  expectedVersion: number,
): Promise<unknown> {
  return api.patch(`/v1/leads/${encodeURIComponent(id)}`, { ownerId, expectedVersion });
}

export async function saveScorecard(
  api: Api,
  id: string,
  body: { framework: string; evidence: Readonly<Record<string, unknown>>; expectedVersion: number },
): Promise<{ version: number }> {
  const out = await api.put<Json>(`/v1/leads/${encodeURIComponent(id)}/scorecard`, body);
  return { version: num(obj(out["scorecard"])["version"]) ?? body.expectedVersion + 1 };
}
