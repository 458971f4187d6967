import type { BuyingRole, Seniority } from "../core/records.ts";

/**
 * The demo world: who buys, how often, and how well each kind of account fits the product (a B2B
 * sales/marketing software vendor). `fit` weights are the hidden truth the generator uses to decide
 * outcomes; the reference scoring model approximates them from what it can observe.
 */
export const INDUSTRIES = {
  software: { share: 18, fit: 1.0 },
  fintech: { share: 8, fit: 0.9 },
  healthcare: { share: 10, fit: 0.7 },
  professional_services: { share: 10, fit: 0.6 },
  manufacturing: { share: 12, fit: 0.55 },
  logistics: { share: 7, fit: 0.5 },
  retail: { share: 11, fit: 0.35 },
  media: { share: 6, fit: 0.35 },
  education: { share: 8, fit: 0.15 },
  government: { share: 5, fit: 0.1 },
  nonprofit: { share: 5, fit: 0.1 },
} as const satisfies Record<string, { share: number; fit: number }>;
export type DemoIndustry = keyof typeof INDUSTRIES;

export const REGIONS = {
  na: { share: 40, fit: 1.0, countries: ["US", "US", "US", "CA"] },
  emea: { share: 35, fit: 0.9, countries: ["GB", "DE", "FR", "NL", "SE", "ES", "IE"] },
  apac: { share: 15, fit: 0.6, countries: ["AU", "SG", "JP", "IN"] },
  latam: { share: 10, fit: 0.45, countries: ["BR", "MX", "AR"] },
} as const satisfies Record<string, { share: number; fit: number; countries: readonly string[] }>;
export type DemoRegion = keyof typeof REGIONS;

/** Employees -> fit: the product serves mid-market best. */
export function sizeFit(employees: number): number {
  if (employees < 20) return 0.1;
  if (employees < 200) return 0.5;
  if (employees <= 5000) return 1.0;
  return 0.6;
}

export const SENIORITY_SHARE = {
  intern: 5,
  individual: 33,
  manager: 25,
  director: 15,
  vp: 10,
  c_level: 8,
  owner: 4,
} as const satisfies Record<Seniority, number>;

export const SENIORITY_FIT = {
  intern: 0.05,
  individual: 0.3,
  manager: 0.6,
  director: 0.85,
  vp: 1.0,
  c_level: 0.9,
  owner: 0.8,
} as const satisfies Record<Seniority, number>;

export const DEPARTMENTS = {
  sales: { share: 25, fit: 1.0, label: "Sales" },
  marketing: { share: 22, fit: 1.0, label: "Marketing" },
  revenue_operations: { share: 8, fit: 1.0, label: "Revenue Operations" },
  operations: { share: 10, fit: 0.6, label: "Operations" },
  it: { share: 12, fit: 0.5, label: "IT" },
  finance: { share: 8, fit: 0.4, label: "Finance" },
  hr: { share: 8, fit: 0.2, label: "People" },
  engineering: { share: 7, fit: 0.3, label: "Engineering" },
} as const satisfies Record<string, { share: number; fit: number; label: string }>;
export type DemoDepartment = keyof typeof DEPARTMENTS;

export function titleFor(seniority: Seniority, dept: DemoDepartment): string {
  const d = DEPARTMENTS[dept].label;
  switch (seniority) {
    case "intern":
      return `${d} Intern`;
    case "individual":
      return `${d} Specialist`;
    case "manager":
      return `${d} Manager`;
    case "director":
      return `Director of ${d}`;
    case "vp":
      return `VP of ${d}`;
    case "c_level":
      return dept === "finance"
        ? "CFO"
        : dept === "it" || dept === "engineering"
          ? "CTO"
          : dept === "marketing"
            ? "CMO"
            : "COO";
    case "owner":
      return "Founder & CEO";
  }
}

export const ROLE_BY_SENIORITY = {
  intern: { user: 6, gatekeeper: 3, influencer: 1 },
  individual: { user: 6, influencer: 3, gatekeeper: 1 },
  manager: { champion: 4, influencer: 4, user: 2, blocker: 1 },
  director: { champion: 5, influencer: 3, economic_buyer: 2, blocker: 1 },
  vp: { economic_buyer: 5, champion: 4, blocker: 1 },
  c_level: { economic_buyer: 7, champion: 2, blocker: 1 },
  owner: { economic_buyer: 9, champion: 1 },
} as const satisfies Record<Seniority, Partial<Record<BuyingRole, number>>>;

/** Where leads come from, per entry path. */
export const SOURCES = {
  standard: {
    organic: 22,
    paid_search: 18,
    webinar: 12,
    event: 10,
    content_syndication: 10,
    outbound: 12,
    referral: 8,
    partner: 8,
  },
  pql: { product_signup: 1 },
  cql: { website_form: 3, click_to_call: 1 },
} as const;

export const ENTRY_PATH_SHARE = { standard: 72, pql: 14, cql: 14 } as const;

export const COMPETITOR_DOMAINS = ["leadforge.example", "pipewise.example", "funnelhub.example"] as const;
export const FREE_MAIL_DOMAINS = ["gmail.example", "outlook.example", "yahoo.example"] as const;

export const FIRST_NAMES = [
  "Ada",
  "Ben",
  "Chloé",
  "Dev",
  "Elena",
  "Femi",
  "Grace",
  "Hiro",
  "Ines",
  "Jonas",
  "Kofi",
  "Lena",
  "Mateo",
  "Nadia",
  "Omar",
  "Priya",
  "Quinn",
  "Rosa",
  "Sven",
  "Tara",
  "Uma",
  "Victor",
  "Wen",
  "Yara",
  "Zoe",
] as const;
export const LAST_NAMES = [
  "Adeyemi",
  "Becker",
  "Costa",
  "Dubois",
  "Eriksson",
  "Fischer",
  "García",
  "Hughes",
  "Ito",
  "Jansen",
  "Kowalski",
  "Li",
  "Müller",
  "Novak",
  "Okafor",
  "Patel",
  "Rossi",
  "Singh",
  "Tanaka",
  "Walsh",
] as const;
export const NAME_PARTS = [
  "North",
  "Blue",
  "Iron",
  "Bright",
  "Summit",
  "River",
  "Cedar",
  "Nova",
  "Atlas",
  "Harbor",
  "Quantum",
  "Vertex",
  "Granite",
  "Lumen",
  "Orbit",
  "Pioneer",
] as const;
export const NAME_SUFFIXES = [
  "Labs",
  "Systems",
  "Group",
  "Health",
  "Logistics",
  "Partners",
  "Works",
  "Analytics",
  "Retail",
  "Media",
  "Holdings",
  "Software",
] as const;

export const ASSETS = {
  early: ["state-of-sales-report", "blog-guide-lead-scoring", "ebook-pipeline-basics"],
  late: [
    "pricing-sheet",
    "roi-calculator",
    "security-whitepaper",
    "implementation-guide",
    "case-study-fintech",
  ],
} as const;

export const PAGES = [
  "/",
  "/product",
  "/features/scoring",
  "/blog/qualification",
  "/customers",
  "/integrations",
  "/careers",
  "/docs",
] as const;
