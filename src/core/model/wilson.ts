/**
 * Wilson score interval for a proportion (95% by default): honest at small counts, unlike the
 * normal approximation.
 *
 * @example
 * wilsonInterval(8, 10); // [0.49, 0.94] (rounded)
 */
export function wilsonInterval(successes: number, trials: number, z = 1.959964): readonly [number, number] {
  if (trials <= 0) return [0, 1];
  const p = successes / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
