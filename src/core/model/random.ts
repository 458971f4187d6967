/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same stream on every
 * platform, which makes training reproducible.
 *
 * @example
 * const rand = seededRandom(42);
 * rand(); // a number in [0, 1)
 */
export function seededRandom(seed: number): () => number {
  const gen = new Mulberry32(seed);
  return () => gen.next();
}

/**
 * The generator behind `seededRandom` as an object. Hot loops call its method rather than a
 * closure: optimised code that called a closure was specialised to that one closure and
 * deoptimised ("wrong call target") when the next fit or split made a new one.
 */
export class Mulberry32 {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  /** The next number in [0, 1). */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/**
 * Splits row indexes 0..n-1 into a stratified (by label) validation part of about `fraction`
 * and the rest, shuffled with `seed`. Both parts are returned in ascending order.
 */
export function stratifiedSplit(
  label: Uint8Array,
  fraction: number,
  seed: number,
): { readonly train: Int32Array; readonly valid: Int32Array } {
  const rand = new Mulberry32(seed);
  const pick = new Uint8Array(label.length);
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < label.length; i++) if (label[i] === cls) idx.push(i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand.next() * (i + 1));
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
    }
    const take = Math.round(idx.length * fraction);
    for (let i = 0; i < take; i++) pick[idx[i]!] = 1;
  }
  let nv = 0;
  for (let i = 0; i < pick.length; i++) nv += pick[i]!;
  const train = new Int32Array(label.length - nv);
  const valid = new Int32Array(nv);
  let a = 0;
  let b = 0;
  for (let i = 0; i < pick.length; i++) {
    if (pick[i]) valid[b++] = i;
    else train[a++] = i;
  }
  return { train, valid };
}
