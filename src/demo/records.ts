import type { Account, BehaviourEvent, Contact, Lead } from "../core/records.ts";

/**
 * Record builders with plain defaults: the generator and the tests state only what matters.
 *
 * @example
 * const a = demoAccount({ industry: "software", employees: 800 });
 */
export function demoAccount(over: Partial<Account> = {}): Account {
  return {
    id: "acc-1",
    name: "Acme",
    domain: "acme.example",
    industry: null,
    employees: null,
    annualRevenue: null,
    country: null,
    region: null,
    attributes: {},
    ...over,
  };
}

export function demoContact(over: Partial<Contact> = {}): Contact {
  return {
    id: "con-1",
    accountId: "acc-1",
    email: "jo@acme.example",
    firstName: "Jo",
    lastName: "Doe",
    title: null,
    seniority: null,
    buyingRole: null,
    phone: null,
    emailStatus: "valid",
    unsubscribed: false,
    attributes: {},
    ...over,
  };
}

export function demoLead(over: Partial<Lead> = {}): Lead {
  return {
    id: "lead-1",
    contactId: "con-1",
    accountId: "acc-1",
    source: "organic",
    entryPath: "standard",
    ownerId: null,
    stage: "new",
    stageEnteredAt: "2026-01-01T00:00:00.000Z",
    createdAt: "2026-01-01T00:00:00.000Z",
    ...over,
  };
}

let seq = 0;
/** A behaviour event; ids are unique within the process unless given. */
export function demoEvent(
  type: string,
  occurredAt: string,
  properties: BehaviourEvent["properties"] = {},
  over: Partial<BehaviourEvent> = {},
): BehaviourEvent {
  seq++;
  return { id: `ev-${seq}`, leadId: "lead-1", type, occurredAt, properties, ...over };
}
