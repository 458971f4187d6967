import { countPositive } from "./table.ts";

/** Fewer won (or lost) examples than this and Winnow does not train a model. */
export const MIN_EXAMPLES_PER_CLASS = 20;

/** Whether a learned model can be trusted, and if not, what to use instead. */
export type Readiness =
  | { readonly ready: true; readonly won: number; readonly lost: number }
  | {
      readonly ready: false;
      readonly won: number;
      readonly lost: number;
      readonly reason: string;
      /** What scoring should use meanwhile. */
      readonly fallback: "rules-score";
    };

/**
 * Honest minimums: with too few won or lost deals a learned probability would be noise, so the
 * answer says so and points back to the rules score.
 *
 * @example
 * trainingReadiness(Uint8Array.from([1, 0, 0])); // { ready: false, reason: "Only 1 won ...", fallback: "rules-score" }
 */
export function trainingReadiness(label: Uint8Array, minPerClass = MIN_EXAMPLES_PER_CLASS): Readiness {
  const won = countPositive(label);
  const lost = label.length - won;
  if (won >= minPerClass && lost >= minPerClass) return { ready: true, won, lost };
  const short = [won < minPerClass ? `${won} won` : null, lost < minPerClass ? `${lost} lost` : null].filter(
    (s): s is string => s !== null,
  );
  return {
    ready: false,
    won,
    lost,
    reason: `Only ${short.join(" and ")} example${won + lost === 1 ? "" : "s"}; a model needs at least ${minPerClass} won and ${minPerClass} lost. Keep using the rules score until more deals close.`,
    fallback: "rules-score",
  };
}
