import type { Account } from "../core/records.ts";
import { mixSeed, type Rng, seededRng } from "./prng.ts";
import {
  type DemoIndustry,
  type DemoRegion,
  INDUSTRIES,
  NAME_PARTS,
  NAME_SUFFIXES,
  REGIONS,
  sizeFit,
} from "./world.ts";

const share = <K extends string>(t: Readonly<Record<K, { share: number }>>) =>
  Object.fromEntries(Object.entries<{ share: number }>(t).map(([k, v]) => [k, v.share])) as Record<K, number>;
const INDUSTRY_SHARE = share(INDUSTRIES);
const REGION_SHARE = share(REGIONS);

/** Employees: log-normal around ~150, from 2 to 80,000. */
function employees(rng: Rng): number {
  const n = Math.round(Math.exp(5 + 1.7 * rng.normal()));
  return Math.max(2, Math.min(80_000, n));
}

/**
 * Account number `index` of the demo world (the same for a given seed whatever else is generated).
 *
 * @example
 * demoAccountAt(42, 0).industry; // e.g. "software"
 */
export function demoAccountAt(seed: number, index: number): Account {
  const rng = seededRng(mixSeed(seed, 1, index));
  const industry = rng.weighted(INDUSTRY_SHARE);
  const region = rng.weighted(REGION_SHARE);
  const emp = employees(rng);
  const name = `${rng.pick(NAME_PARTS)} ${rng.pick(NAME_SUFFIXES)} ${index}`;
  const domain = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.example`;
  return {
    id: `acc-${index}`,
    name,
    domain,
    industry,
    employees: emp,
    annualRevenue: Math.round(emp * (60_000 + 140_000 * rng.next())),
    country: rng.pick(REGIONS[region].countries),
    region,
    attributes: {
      crm: rng.pick(["salesforce", "hubspot", "pipedrive", "none"]),
      funding: rng.pick(["bootstrapped", "seed", "series_a", "series_b_plus", "public"]),
    },
  };
}

/** The hidden truth of how well an account fits the product (0..1), from what the world says. */
export function accountFit(a: Account): number {
  const ind = INDUSTRIES[(a.industry ?? "nonprofit") as DemoIndustry]?.fit ?? 0.1;
  const reg = REGIONS[(a.region ?? "latam") as DemoRegion]?.fit ?? 0.4;
  return ind ** 0.5 * reg ** 0.3 * sizeFit(a.employees ?? 1) ** 0.4;
}
