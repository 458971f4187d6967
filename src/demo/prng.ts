/**
 * A small seeded random source (mulberry32 over a splitmix-style seed mix). Every lead gets its own
 * stream derived from (seed, lead index), so any lead can be generated on its own, in any order,
 * and the same seed always gives the same data on every platform.
 */
export type Rng = {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One item of a list. */
  pick<T>(items: readonly T[]): T;
  /** One key of a weight table, with probability proportional to its weight. */
  weighted<K extends string>(table: Readonly<Record<K, number>>): K;
  /** Standard normal (Box-Muller). */
  normal(): number;
};

/** Mixes numbers into one 32-bit seed. */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    h = (h + Math.imul((p / 4294967296) | 0, 0x27d4eb2f)) | 0;
  }
  return h >>> 0;
}

/**
 * @example
 * const rng = seededRng(mixSeed(42, 7));
 * rng.int(1, 6);
 */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted(table) {
      const keys = Object.keys(table) as (keyof typeof table)[];
      let total = 0;
      for (const k of keys) total += table[k];
      let r = next() * total;
      for (const k of keys) {
        r -= table[k];
        if (r < 0) return k;
      }
      return keys[keys.length - 1]!;
    },
    normal() {
      const u = 1 - next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
}
