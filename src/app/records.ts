import { WinnowError } from "../core/errors.ts";
import { addWorkingHours } from "../core/lifecycle/calendar.ts";
import type { LifecycleConfig } from "../core/lifecycle/config.ts";
import type { Instant } from "../core/records.ts";
import type {
  AccountInput,
  AccountPatch,
  ContactInput,
  ContactPatch,
  LeadInput,
  LeadPatch,
  Storage,
  StoredAccount,
  StoredContact,
  StoredLead,
} from "../storage/ports.ts";

/** Creates an account (domain de-duplicated: a taken domain is WINNOW_ERR_DUPLICATE). */
export function createAccount(storage: Storage, input: AccountInput): Promise<StoredAccount> {
  return storage.accounts.create(input);
}

/** Updates an account if it is still at `expectedVersion` (else WINNOW_ERR_STALE_WRITE). */
export function updateAccount(
  storage: Storage,
  id: string,
  expectedVersion: number,
  patch: AccountPatch,
): Promise<StoredAccount> {
  return storage.accounts.update(id, expectedVersion, patch);
}

export function createContact(storage: Storage, input: ContactInput): Promise<StoredContact> {
  return storage.contacts.create(input);
}

export function updateContact(
  storage: Storage,
  id: string,
  expectedVersion: number,
  patch: ContactPatch,
): Promise<StoredContact> {
  return storage.contacts.update(id, expectedVersion, patch);
}

export type CreateLeadInput = Omit<LeadInput, "createdAt"> & {
  readonly actor: string;
  readonly now: Instant;
};

/**
 * Creates a lead and its first history entry. A lead may start above `new` only where its entry
 * path allows (PQL/CQL, configurable); starting as MQL starts the accept-or-reject SLA clock.
 */
export async function createLead(
  storage: Storage,
  input: CreateLeadInput,
  config: LifecycleConfig,
): Promise<StoredLead> {
  const stage = input.stage ?? "new";
  const path = input.entryPath ?? "standard";
  if (stage !== "new" && !config.entryStages[path].includes(stage)) {
    throw new WinnowError("WINNOW_ERR_ENTRY_NOT_ALLOWED", {
      message: `A ${path} lead may start at new or ${config.entryStages[path].join(", ")}, not ${stage}`,
      details: { entryPath: path, stage, allowed: ["new", ...config.entryStages[path]] },
    });
  }
  const { actor, now, ...lead } = input;
  return storage.transaction(async (tx) => {
    let created = await tx.leads.create({ ...lead, stage, createdAt: now });
    const acceptHours = config.sla.acceptWithinWorkingHours;
    if (stage === "mql" && acceptHours !== null) {
      const slaDueAt = addWorkingHours(now, acceptHours, config.calendar);
      created = await tx.leads.changeStage(created.id, created.version, {
        stage,
        stageEnteredAt: now,
        reason: null,
        reEntry: null,
        slaDueAt,
      });
    }
    await tx.history.append({
      leadId: created.id,
      kind: "stage",
      actor,
      at: now,
      reason: "created",
      before: null,
      after: { stage },
    });
    return created;
  });
}

export type UpdateLeadInput = LeadPatch & {
  readonly actor: string;
  readonly now: Instant;
  readonly why?: string | null;
};

/** Updates source/owner/account; an owner change is written to history. */
export async function updateLead(
  storage: Storage,
  id: string,
  expectedVersion: number,
  input: UpdateLeadInput,
): Promise<StoredLead> {
  const { actor, now, why, ...patch } = input;
  return storage.transaction(async (tx) => {
    const before = await tx.leads.get(id);
    if (!before) throw new WinnowError("WINNOW_ERR_LEAD_NOT_FOUND", { message: `Lead ${id} does not exist` });
    const after = await tx.leads.update(id, expectedVersion, patch);
    if (patch.ownerId !== undefined && before.ownerId !== after.ownerId) {
      await tx.history.append({
        leadId: id,
        kind: "owner",
        actor,
        at: now,
        reason: why ?? null,
        before: { ownerId: before.ownerId },
        after: { ownerId: after.ownerId },
      });
    }
    return after;
  });
}
