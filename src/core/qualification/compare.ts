import type { Verdict } from "./verdict.ts";

/**
 * Says why two verdicts on the same scorecard differ: for each "no" (failed or not now) of one
 * framework, whether the other does not read that element at all or accepts the same evidence.
 * Empty when the outcomes agree.
 *
 * @example
 * explainDisagreement(qualify(card, "bant"), qualify(card, "meddic"));
 * // ["MEDDIC's Metrics is ruled out, and BANT does not read metrics.",
 * //  "MEDDIC's Identify pain fails on the need evidence that BANT's Need accepts: a wish, not a business pain ..."]
 */
export function explainDisagreement(a: Verdict, b: Verdict): string[] {
  if (a.outcome === b.outcome) return [];
  const lines: string[] = [];
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    for (const reason of x.reasons) {
      if (reason.kind === "unknown") continue;
      const mine = x.criteria.find((c) => c.criterion === reason.criterion);
      if (!mine || mine.gate) continue;
      const verb = reason.kind === "failed" ? "fails" : "says not now";
      for (const finding of mine.findings.filter((f) => f.status === reason.kind)) {
        const theirs = y.criteria.filter((c) => !c.gate && c.elements.includes(finding.element));
        const accepting = theirs.find((c) =>
          c.findings.some((f) => f.element === finding.element && f.status === "met"),
        );
        if (theirs.length === 0) {
          lines.push(
            `${x.framework.name}'s ${mine.name} ${verb} (${finding.detail}), and ${y.framework.name} does not read ${finding.element}.`,
          );
        } else if (accepting) {
          lines.push(
            `${x.framework.name}'s ${mine.name} ${verb} on the ${finding.element} evidence that ${y.framework.name}'s ${accepting.name} accepts: ${finding.detail}.`,
          );
        }
      }
    }
  }
  return lines;
}
