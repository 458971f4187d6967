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
  const idx = new Int32Array(label.length);
  for (let cls = 0; cls < 2; cls++) {
    const m = rowsOfClass(label, cls, idx);
    shuffle(idx, m, rand);
    markFirst(pick, idx, Math.round(m * fraction));
  }
  const nv = countOnes(pick);
  const train = new Int32Array(label.length - nv);
  const valid = new Int32Array(nv);
  splitByPick(pick, train, valid);
  return { train, valid };
}

// stratifiedSplit's loops are functions of their own, with nothing after the loop: in one
// function each loop was compiled on the stack in turn and thrown away at the next statement that
// had no type feedback yet (`--trace-deopt`: five compiles in a fresh process's first fit, ≈ 20 ms
// on the compiler thread). Same draws in the same order, so the same split.

/** The rows with label `cls`, ascending, into idx[0..m); returns m. */
function rowsOfClass(label: Uint8Array, cls: number, idx: Int32Array): number {
  let m = 0;
  for (let i = 0; i < label.length; i++) if (label[i] === cls) idx[m++] = i;
  return m;
}

/** Fisher-Yates shuffle of idx[0..m), from the end. */
function shuffle(idx: Int32Array, m: number, rand: Mulberry32): void {
  for (let i = m - 1; i > 0; i--) {
    const j = Math.floor(rand.next() * (i + 1));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
}

function markFirst(pick: Uint8Array, idx: Int32Array, take: number): void {
  for (let i = 0; i < take; i++) pick[idx[i]!] = 1;
}

function countOnes(pick: Uint8Array): number {
  let nv = 0;
  for (let i = 0; i < pick.length; i++) nv += pick[i]!;
  return nv;
}

function splitByPick(pick: Uint8Array, train: Int32Array, valid: Int32Array): void {
  let a = 0;
  let b = 0;
  for (let i = 0; i < pick.length; i++) {
    if (pick[i]) valid[b++] = i;
    else train[a++] = i;
  }
}
