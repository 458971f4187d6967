import { z } from "zod";
import type { Issue } from "../errors.ts";
import { BUYING_ROLES, SENIORITIES } from "../records.ts";
import { err, ok, type Result } from "../result.ts";
import type { ElementId } from "./elements.ts";
import type { AccountFacts, ContactFacts } from "./evidence.ts";
import { issuesFromZod } from "./zod-issues.ts";

const range = z
  .strictObject({ min: z.number().nonnegative().optional(), max: z.number().nonnegative().optional() })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
    message: "min must not exceed max",
  });
const names = z.array(z.string().min(1)).min(1, "list at least one value, or leave the field out");

/** The ideal customer profile file format (see docs/qualification.md). */
export const icpProfileSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  territories: z.strictObject({ countries: names.optional(), regions: names.optional() }).optional(),
  industries: names.optional(),
  employees: range.optional(),
  annualRevenue: range.optional(),
  personas: z
    .strictObject({
      titleKeywords: names.optional(),
      seniorities: z.array(z.enum(SENIORITIES)).min(1).optional(),
      buyingRoles: z.array(z.enum(BUYING_ROLES)).min(1).optional(),
    })
    .optional(),
  exclusions: z
    .strictObject({ industries: names.optional(), countries: names.optional(), domains: names.optional() })
    .optional(),
});

/**
 * A declarative ideal customer profile: where we sell, to which industries, companies of what size,
 * which personas, and who we never sell to. Leave a field out to not check it.
 */
export type IcpProfile = z.output<typeof icpProfileSchema>;

export const ICP_CHECKS = [
  "territory",
  "industry",
  "employees",
  "annual_revenue",
  "exclusion",
  "persona",
] as const;
export type IcpCheckId = (typeof ICP_CHECKS)[number];

/** One ICP criterion against the facts: match, mismatch (with why), or unknown (fact missing). */
export type IcpCheck = {
  readonly check: IcpCheckId;
  readonly element: ElementId;
  readonly status: "match" | "mismatch" | "unknown";
  readonly code: string;
  readonly reason: string;
};

export type IcpResult = {
  /** mismatch when any check fails; unknown when none fails but some fact is missing. */
  readonly fit: "match" | "mismatch" | "unknown";
  readonly checks: readonly IcpCheck[];
};

/**
 * Validates an ICP profile file, with JSON paths for each problem.
 *
 * @example
 * parseIcpProfile({ employees: { min: 500, max: 10 } }); // err([{ path: "employees", message: "min must not exceed max" }])
 */
export function parseIcpProfile(json: unknown): Result<IcpProfile, Issue[]> {
  const parsed = icpProfileSchema.safeParse(json);
  return parsed.success ? ok(parsed.data) : err(issuesFromZod(parsed.error));
}

const norm = (s: string): string => s.trim().toLowerCase();
const inList = (value: string, list: readonly string[]): boolean => list.some((x) => norm(x) === norm(value));
const listed = (list: readonly string[]): string => list.join(", ");

function sizeCheck(
  check: "employees" | "annual_revenue",
  value: number | null | undefined,
  r: { min?: number | undefined; max?: number | undefined },
): IcpCheck {
  const what = check === "employees" ? "employees" : "annual revenue";
  const want = `${r.min ?? 0}${r.max === undefined ? "+" : `-${r.max}`}`;
  if (value === null || value === undefined) {
    return {
      check,
      element: "company_size",
      status: "unknown",
      code: `icp_${check}_unknown`,
      reason: `${what} not known (ICP wants ${want})`,
    };
  }
  if (r.min !== undefined && value < r.min) {
    return {
      check,
      element: "company_size",
      status: "mismatch",
      code: `icp_${check}_below`,
      reason: `${value} ${what} is below the ICP range ${want}`,
    };
  }
  if (r.max !== undefined && value > r.max) {
    return {
      check,
      element: "company_size",
      status: "mismatch",
      code: `icp_${check}_above`,
      reason: `${value} ${what} is above the ICP range ${want}`,
    };
  }
  return {
    check,
    element: "company_size",
    status: "match",
    code: `icp_${check}_match`,
    reason: `${value} ${what} is within ${want}`,
  };
}

function personaCheck(p: NonNullable<IcpProfile["personas"]>, contact: ContactFacts): IcpCheck {
  const parts: { ok: boolean | null; text: string }[] = [];
  if (p.titleKeywords) {
    const title = contact.title;
    parts.push({
      ok: title ? p.titleKeywords.some((k) => norm(title).includes(norm(k))) : null,
      text: title
        ? `title "${title}" ${p.titleKeywords.some((k) => norm(title).includes(norm(k))) ? "matches" : "matches none of"} ${listed(p.titleKeywords)}`
        : "title not known",
    });
  }
  if (p.seniorities) {
    const s = contact.seniority;
    parts.push({
      ok: s ? p.seniorities.includes(s) : null,
      text: s
        ? `seniority ${s} ${p.seniorities.includes(s) ? "is" : "is not"} one of ${listed(p.seniorities)}`
        : "seniority not known",
    });
  }
  if (p.buyingRoles) {
    const r = contact.buyingRole;
    parts.push({
      ok: r ? p.buyingRoles.includes(r) : null,
      text: r
        ? `role ${r} ${p.buyingRoles.includes(r) ? "is" : "is not"} one of ${listed(p.buyingRoles)}`
        : "buying role not known",
    });
  }
  const failed = parts.filter((x) => x.ok === false);
  if (failed.length > 0) {
    return {
      check: "persona",
      element: "persona",
      status: "mismatch",
      code: "icp_persona_mismatch",
      reason: `contact does not match a buyer persona: ${failed.map((x) => x.text).join("; ")}`,
    };
  }
  if (parts.some((x) => x.ok === null)) {
    return {
      check: "persona",
      element: "persona",
      status: "unknown",
      code: "icp_persona_unknown",
      reason: parts
        .filter((x) => x.ok === null)
        .map((x) => x.text)
        .join("; "),
    };
  }
  return {
    check: "persona",
    element: "persona",
    status: "match",
    code: "icp_persona_match",
    reason: parts.map((x) => x.text).join("; "),
  };
}

/**
 * Checks an account (and its contact, for personas) against an ICP. Every mismatch says why; a
 * missing fact is unknown, never a mismatch.
 *
 * @example
 * evaluateIcp({ industries: ["software"], employees: { min: 50 } }, { account: { industry: "Retail", employees: 20 } });
 * // fit "mismatch": industry "Retail" is not one of software; 20 employees is below the ICP range 50+
 */
export function evaluateIcp(
  profile: IcpProfile,
  facts: { readonly account?: AccountFacts; readonly contact?: ContactFacts },
): IcpResult {
  const account = facts.account ?? {};
  const checks: IcpCheck[] = [];
  const { exclusions, territories, industries } = profile;
  if (exclusions) {
    const hits: string[] = [];
    let element: ElementId = "industry";
    if (exclusions.industries && account.industry && inList(account.industry, exclusions.industries))
      hits.push(`industry "${account.industry}" is excluded`);
    if (exclusions.countries && account.country && inList(account.country, exclusions.countries)) {
      if (hits.length === 0) element = "territory";
      hits.push(`country "${account.country}" is excluded`);
    }
    const domain = account.domain;
    if (
      exclusions.domains &&
      domain &&
      exclusions.domains.some((d) => norm(domain) === norm(d) || norm(domain).endsWith(`.${norm(d)}`))
    )
      hits.push(`domain "${domain}" is excluded`);
    checks.push(
      hits.length > 0
        ? { check: "exclusion", element, status: "mismatch", code: "icp_excluded", reason: hits.join("; ") }
        : {
            check: "exclusion",
            element: "industry",
            status: "match",
            code: "icp_not_excluded",
            reason: "not on the exclusion list",
          },
    );
  }
  if (territories && (territories.countries || territories.regions)) {
    const { country, region } = account;
    const countryOk = territories.countries && country ? inList(country, territories.countries) : null;
    const regionOk = territories.regions && region ? inList(region, territories.regions) : null;
    const wanted = [...(territories.countries ?? []), ...(territories.regions ?? [])];
    if (countryOk || regionOk)
      checks.push({
        check: "territory",
        element: "territory",
        status: "match",
        code: "icp_territory_match",
        reason: `${country ?? region} is in our territory`,
      });
    else if (countryOk === null && regionOk === null)
      checks.push({
        check: "territory",
        element: "territory",
        status: "unknown",
        code: "icp_territory_unknown",
        reason: "country and region not known",
      });
    else
      checks.push({
        check: "territory",
        element: "territory",
        status: "mismatch",
        code: "icp_territory_mismatch",
        reason: `${[country, region].filter(Boolean).join(" / ")} is outside our territory (${listed(wanted)})`,
      });
  }
  if (industries) {
    const industry = account.industry;
    if (!industry)
      checks.push({
        check: "industry",
        element: "industry",
        status: "unknown",
        code: "icp_industry_unknown",
        reason: "industry not known",
      });
    else if (inList(industry, industries))
      checks.push({
        check: "industry",
        element: "industry",
        status: "match",
        code: "icp_industry_match",
        reason: `${industry} is an industry we sell to`,
      });
    else
      checks.push({
        check: "industry",
        element: "industry",
        status: "mismatch",
        code: "icp_industry_mismatch",
        reason: `industry "${industry}" is not one of ${listed(industries)}`,
      });
  }
  if (profile.employees) checks.push(sizeCheck("employees", account.employees, profile.employees));
  if (profile.annualRevenue)
    checks.push(sizeCheck("annual_revenue", account.annualRevenue, profile.annualRevenue));
  if (profile.personas) checks.push(personaCheck(profile.personas, facts.contact ?? {}));
  const fit = checks.some((c) => c.status === "mismatch")
    ? "mismatch"
    : checks.some((c) => c.status === "unknown")
      ? "unknown"
      : "match";
  return { fit, checks };
}
