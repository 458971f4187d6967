import type { HistoryLead } from "../core/scoring/index.ts";
import type { LeadBundle } from "./generate.ts";

/**
 * A demo lead bundle as backtest history: its records and events, its stage moves, and the
 * outcome of its deal when closed.
 */
export function toHistoryLead(b: LeadBundle): HistoryLead {
  const d = b.deal;
  return {
    input: { account: b.account, contact: b.contact, lead: b.lead, events: b.events },
    stages: b.stages,
    outcome: d && d.status !== "open" && d.closeDate ? { status: d.status, at: d.closeDate } : null,
  };
}
