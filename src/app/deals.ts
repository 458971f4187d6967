import { WinnowError } from "../core/errors.ts";
import type { LifecycleConfig } from "../core/lifecycle/config.ts";
import type { Instant } from "../core/records.ts";
import type { DealInput, Storage, StoredDeal, StoredLead } from "../storage/ports.ts";
import { moveLeadIn } from "./move-lead.ts";

/** Opens a deal (usually when a lead becomes an opportunity). */
export function createDeal(storage: Storage, input: DealInput): Promise<StoredDeal> {
  return storage.deals.create(input);
}

export type DealOutcomeInput = {
  readonly dealId: string;
  readonly expectedVersion: number;
  readonly status: "won" | "lost";
  /** Required when lost (why the buyer said no); optional when won. */
  readonly reason?: string | null;
  readonly amount?: number | null;
  readonly closeDate?: Instant;
  readonly actor: string;
  readonly now: Instant;
};

/**
 * Closes a deal as won or lost, and moves its lead (when it is an opportunity) to the same
 * outcome — one transaction, so the deal and the funnel never disagree.
 */
export async function recordDealOutcome(
  storage: Storage,
  input: DealOutcomeInput,
  config: LifecycleConfig,
): Promise<{ readonly deal: StoredDeal; readonly lead: StoredLead | null }> {
  const reason = input.reason?.trim() || null;
  if (input.status === "lost" && !reason) {
    throw new WinnowError("WINNOW_ERR_REASON_REQUIRED", {
      message: "A lost deal needs a reason",
      details: { dealId: input.dealId },
    });
  }
  return storage.transaction(async (tx) => {
    const deal = await tx.deals.update(input.dealId, input.expectedVersion, {
      status: input.status,
      reason,
      closeDate: input.closeDate ?? input.now,
      ...(input.amount !== undefined ? { amount: input.amount } : {}),
    });
    let lead: StoredLead | null = null;
    if (deal.leadId) {
      const current = await tx.leads.get(deal.leadId);
      if (current?.stage === "opportunity") {
        const moved = await moveLeadIn(
          tx,
          { leadId: deal.leadId, to: input.status, reason, actor: input.actor, now: input.now },
          config,
        );
        lead = moved.lead;
      } else {
        lead = current;
      }
    }
    return { deal, lead };
  });
}
