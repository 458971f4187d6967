import type { EntryPath, Stage } from "../core/lifecycle/stages.ts";
import type { Instant } from "../core/records.ts";
import type {
  AccountInput,
  ContactInput,
  Storage,
  StoredAccount,
  StoredContact,
  StoredLead,
} from "../storage/ports.ts";

export type CaptureLeadInput = {
  readonly contact: ContactInput;
  /** Matched by domain (then used as is) or created; omit for a lead without a company. */
  readonly account?: AccountInput;
  readonly source?: string | null;
  readonly entryPath?: EntryPath;
  readonly ownerId?: string | null;
  readonly stage?: Stage;
  readonly createdAt: Instant;
  /** Who captured it (the API key's name, an import...), for the lead's history. */
  readonly actor: string;
};

export type CapturedLead = {
  readonly lead: StoredLead;
  readonly contact: StoredContact;
  readonly account: StoredAccount | null;
  readonly created: { readonly account: boolean; readonly contact: boolean };
};

/**
 * Captures an inbound lead in one transaction: finds the account by domain and the contact by email
 * (or creates them), then opens a lead with its first history entry. Nothing is written when any
 * step fails.
 */
export async function captureLead(storage: Storage, input: CaptureLeadInput): Promise<CapturedLead> {
  return storage.transaction(async (tx) => {
    let account: StoredAccount | null = null;
    let accountCreated = false;
    if (input.account) {
      account = input.account.domain ? await tx.accounts.findByDomain(input.account.domain) : null;
      if (!account) {
        account = await tx.accounts.create(input.account);
        accountCreated = true;
      }
    }
    let contact = input.contact.email ? await tx.contacts.findByEmail(input.contact.email) : null;
    let contactCreated = false;
    if (!contact) {
      contact = await tx.contacts.create({
        ...input.contact,
        accountId: input.contact.accountId ?? account?.id ?? null,
      });
      contactCreated = true;
    }
    const lead = await tx.leads.create({
      contactId: contact.id,
      accountId: account?.id ?? contact.accountId,
      source: input.source ?? null,
      entryPath: input.entryPath ?? "standard",
      ownerId: input.ownerId ?? null,
      stage: input.stage ?? "new",
      createdAt: input.createdAt,
    });
    await tx.history.append({
      leadId: lead.id,
      kind: "stage",
      actor: input.actor,
      at: input.createdAt,
      reason: "created",
      before: null,
      after: { stage: lead.stage },
    });
    return { lead, contact, account, created: { account: accountCreated, contact: contactCreated } };
  });
}
