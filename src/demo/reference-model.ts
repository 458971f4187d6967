import { type ScoringModel, type ScoringModelInput, validateScoringModel } from "../core/scoring/index.ts";

/**
 * The reference scoring model of the demo world (40 rules: 18 fit, 15 engagement, 7 negative),
 * with half-life decay. The demo workspace and `npm run bench:scoring` use it; it is also shipped
 * as examples/scoring-model.yaml (a test keeps the two equal).
 */
export const REFERENCE_MODEL_DOCUMENT = {
  id: "reference-b2b",
  name: "Reference B2B model (demo world)",
  version: 1,
  status: "published",
  default: true,
  segment: { productLine: "winnow-cloud", region: "global" },
  description:
    "Mid-market software and fintech, sales and marketing leaders; engagement fades with a 30-day half-life.",
  fit: {
    cap: 100,
    groups: [
      { id: "industry", cap: 25, label: "Industry" },
      { id: "size", cap: 20, label: "Company size" },
      { id: "geo", cap: 10, label: "Territory" },
      { id: "persona", cap: 35, label: "Persona" },
      { id: "data", cap: 10, label: "Data quality" },
    ],
    rules: [
      {
        id: "industry-core",
        group: "industry",
        when: { field: "account.industry", in: ["software", "fintech"] },
        points: 25,
      },
      {
        id: "industry-adjacent",
        group: "industry",
        when: { field: "account.industry", in: ["healthcare", "professional_services"] },
        points: 16,
      },
      {
        id: "industry-secondary",
        group: "industry",
        when: { field: "account.industry", in: ["manufacturing", "logistics"] },
        points: 10,
      },
      {
        id: "industry-weak",
        group: "industry",
        when: { field: "account.industry", in: ["retail", "media"] },
        points: 5,
      },
      {
        id: "size-mid-market",
        group: "size",
        when: { field: "account.employees", range: { min: 200, max: 5000 } },
        points: 20,
      },
      {
        id: "size-small",
        group: "size",
        when: { field: "account.employees", range: { min: 20, max: 199 } },
        points: 9,
      },
      {
        id: "size-enterprise",
        group: "size",
        when: { field: "account.employees", range: { min: 5001 } },
        points: 12,
      },
      { id: "geo-core", group: "geo", when: { field: "account.region", in: ["na", "emea"] }, points: 10 },
      { id: "geo-apac", group: "geo", when: { field: "account.region", equals: "apac" }, points: 6 },
      {
        id: "seniority-leader",
        group: "persona",
        when: { field: "contact.seniority", in: ["vp", "c_level", "owner"] },
        points: 18,
      },
      {
        id: "seniority-director",
        group: "persona",
        when: { field: "contact.seniority", equals: "director" },
        points: 15,
      },
      {
        id: "seniority-manager",
        group: "persona",
        when: { field: "contact.seniority", equals: "manager" },
        points: 9,
      },
      {
        id: "department-revenue",
        group: "persona",
        when: { field: "contact.title", pattern: "\\b(sales|marketing|revenue)\\b" },
        points: 12,
      },
      {
        id: "buying-role",
        group: "persona",
        when: { field: "contact.buyingRole", in: ["economic_buyer", "champion"] },
        points: 6,
      },
      { id: "has-phone", group: "data", when: { field: "contact.phone", exists: true }, points: 4 },
      {
        id: "email-valid",
        group: "data",
        when: { field: "contact.emailStatus", equals: "valid" },
        points: 4,
      },
      {
        id: "revenue-20m",
        when: {
          all: [
            { field: "account.annualRevenue", range: { min: 20_000_000 } },
            { not: { field: "account.industry", in: ["government", "nonprofit", "education"] } },
          ],
        },
        points: 5,
      },
      { id: "source-warm", when: { field: "lead.source", in: ["referral", "partner"] }, points: 5 },
    ],
  },
  engagement: {
    cap: 100,
    decay: { mode: "half_life", days: 30 },
    groups: [
      { id: "web", cap: 25, label: "Website" },
      { id: "content", cap: 35, label: "Content and events" },
      { id: "intent", label: "Hand-raisers" },
      { id: "email", cap: 10, label: "E-mail" },
    ],
    rules: [
      {
        id: "page-view",
        group: "web",
        event: "page_view",
        where: { not: { field: "properties.path", pattern: "^/careers" } },
        points: 1,
        frequency: { max: 10, perDays: 7 },
      },
      {
        id: "pricing-view",
        group: "web",
        event: "pricing_page_view",
        points: 8,
        frequency: { max: 2, perDays: 7 },
      },
      {
        id: "asset-late",
        group: "content",
        event: "asset_download",
        where: { field: "properties.stage", equals: "late" },
        points: 12,
        frequency: "repeatable",
      },
      {
        id: "asset-early",
        group: "content",
        event: "asset_download",
        where: { field: "properties.stage", equals: "early" },
        points: 4,
        frequency: { max: 2, perDays: 30 },
      },
      {
        id: "webinar-registered",
        group: "content",
        event: "webinar_registered",
        points: 3,
        frequency: { max: 1, perDays: 30 },
      },
      {
        id: "webinar-attended",
        group: "content",
        event: "webinar_attended",
        points: 10,
        frequency: { max: 2, perDays: 30 },
      },
      {
        id: "demo-request",
        group: "intent",
        event: "demo_request",
        points: 40,
        frequency: "once",
        decay: { mode: "half_life", days: 45 },
      },
      {
        id: "trial-started",
        group: "intent",
        event: "trial_started",
        points: 35,
        frequency: "once",
        decay: { mode: "half_life", days: 45 },
      },
      {
        id: "contact-sales-form",
        group: "intent",
        event: "form_submitted",
        where: { field: "properties.form", equals: "contact-sales" },
        points: 30,
        frequency: "once",
      },
      {
        id: "other-form",
        group: "content",
        event: "form_submitted",
        where: { not: { field: "properties.form", equals: "contact-sales" } },
        points: 8,
        frequency: { max: 2, perDays: 30 },
      },
      { id: "click-to-call", group: "intent", event: "click_to_call", points: 30, frequency: "once" },
      { id: "email-open", group: "email", event: "email_open", points: 1, frequency: { max: 3, perDays: 7 } },
      {
        id: "email-click",
        group: "email",
        event: "email_click",
        points: 3,
        frequency: { max: 3, perDays: 7 },
      },
      {
        id: "recent-visit",
        event: ["page_view", "pricing_page_view"],
        points: 5,
        frequency: "once",
        decay: { mode: "window", days: 7 },
      },
      {
        id: "webinar-no-show",
        group: "content",
        event: "webinar_registered",
        where: { field: "properties.topic", equals: "forecasting" },
        points: 2,
        frequency: "once",
      },
    ],
  },
  negative: {
    rules: [
      {
        id: "competitor",
        when: {
          field: "contact.emailDomain",
          in: ["leadforge.example", "pipewise.example", "funnelhub.example"],
        },
        points: -80,
      },
      {
        id: "student",
        when: {
          any: [
            { field: "contact.title", pattern: "\\bstudent\\b" },
            { field: "contact.emailDomain", pattern: "\\.edu$" },
          ],
        },
        points: -50,
      },
      {
        id: "free-mail",
        when: { field: "contact.emailDomain", in: ["gmail.example", "outlook.example", "yahoo.example"] },
        points: -10,
      },
      { id: "intern", when: { field: "contact.seniority", equals: "intern" }, points: -15 },
      { id: "unsubscribed", event: "unsubscribed", points: -20, frequency: "once" },
      { id: "email-bounced", event: "email_bounced", points: -25, frequency: "once" },
      {
        id: "job-seeker",
        event: "page_view",
        where: { field: "properties.path", pattern: "^/careers" },
        points: -5,
        frequency: "once",
        decay: { mode: "half_life", days: 60 },
      },
    ],
  },
  grades: { fit: { A: 70, B: 50, C: 30 }, engagement: { "1": 50, "2": 25, "3": 10 } },
  thresholds: [
    { id: "mql", metric: "total", atLeast: 100, minFit: 50, action: "become_mql" },
    { id: "hot-lead", metric: "engagement", atLeast: 60, action: "alert_owner" },
    { id: "cooled-off", metric: "engagement", below: 10, action: "back_to_nurture" },
  ],
} as const satisfies ScoringModelInput;

function build(): ScoringModel {
  const r = validateScoringModel(REFERENCE_MODEL_DOCUMENT);
  if (!r.ok) throw new Error(`reference model is invalid: ${JSON.stringify(r.error)}`);
  return r.value;
}

/** The validated reference model. */
export const REFERENCE_MODEL: ScoringModel = build();
