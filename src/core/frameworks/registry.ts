import { ANUM } from "./anum.ts";
import { BANT } from "./bant.ts";
import { CHAMP } from "./champ.ts";
import { FAINT } from "./faint.ts";
import { GPCTBA_CI } from "./gpctba-ci.ts";
import { MEDDIC, MEDDPICC } from "./meddic.ts";
import type { BuiltinFrameworkId, Framework } from "./types.ts";

/** Freezes a value and everything it holds, so shipped data cannot be changed by a caller. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * The built-in frameworks, frozen, in the order they are listed.
 *
 * @example
 * FRAMEWORKS.bant.criteria.map((c) => c.id); // ["budget", "authority", "need", "timeline"]
 */
export const FRAMEWORKS: Readonly<Record<BuiltinFrameworkId, Framework>> = deepFreeze({
  bant: BANT,
  meddic: MEDDIC,
  meddpicc: MEDDPICC,
  champ: CHAMP,
  anum: ANUM,
  faint: FAINT,
  "gpctba-ci": GPCTBA_CI,
});

/** Ignores case and punctuation: "GPCTBA/C&I", "gpctba-ci" and "gpctbaci" are the same. */
function normalise(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9]/g, "");
}

const BY_NORMALISED_ID: ReadonlyMap<string, Framework> = new Map([
  ...Object.values(FRAMEWORKS).map((f): [string, Framework] => [normalise(f.id), f]),
  ["gpctba", GPCTBA_CI],
]);

/**
 * A built-in framework by id or name, case and punctuation ignored; undefined when there is none.
 *
 * @example
 * getFramework("GPCTBA/C&I")?.id; // "gpctba-ci"
 */
export function getFramework(id: string): Framework | undefined {
  return BY_NORMALISED_ID.get(normalise(id));
}

/**
 * All built-in frameworks, in display order.
 *
 * @example
 * listFrameworks().map((f) => f.name); // ["BANT", "MEDDIC", ...]
 */
export function listFrameworks(): readonly Framework[] {
  return Object.values(FRAMEWORKS);
}
