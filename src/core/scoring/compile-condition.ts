import type { Condition, Scalar } from "./condition.ts";

/** A compiled condition: a closure over the object the fields are read from. */
export type Predicate<T> = (subject: T) => boolean;
type Getter<T> = (subject: T) => unknown;

/**
 * Compiles a field path (`account.industry`, `contact.attributes.persona`, `properties.plan`) into a
 * getter. `virtual` maps whole paths to precomputed values (e.g. `contact.emailDomain`).
 */
export function compileGetter<T>(path: string, virtual: Readonly<Record<string, Getter<T>>> = {}): Getter<T> {
  const v = virtual[path];
  if (v) return v;
  const parts = path.split(".");
  const [a, b, c, d] = parts;
  const at = (o: unknown, k: string): unknown =>
    o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined;
  if (parts.length === 1) return (s) => at(s, a!);
  if (parts.length === 2) return (s) => at(at(s, a!), b!);
  if (parts.length === 3) return (s) => at(at(at(s, a!), b!), c!);
  if (parts.length === 4) return (s) => at(at(at(at(s, a!), b!), c!), d!);
  return (s) => parts.reduce<unknown>((o, k) => at(o, k), s);
}

const norm = (v: Scalar): Scalar => (typeof v === "string" ? v.toLowerCase() : v);

/**
 * Compiles a condition to a predicate. String comparisons (equals, in, pattern) ignore case; ranges
 * are inclusive at both ends and only match numbers; `exists` treats null, undefined and "" as absent.
 *
 * @example
 * const p = compileCondition({ field: "account.employees", range: { min: 200, max: 5000 } });
 * p({ account: { employees: 800 } }); // true
 */
export function compileCondition<T>(
  c: Condition,
  virtual: Readonly<Record<string, Getter<T>>> = {},
): Predicate<T> {
  if ("all" in c) {
    const parts = c.all.map((x) => compileCondition(x, virtual));
    if (parts.length === 1) return parts[0]!;
    return (s) => {
      for (let i = 0; i < parts.length; i++) if (!parts[i]!(s)) return false;
      return true;
    };
  }
  if ("any" in c) {
    const parts = c.any.map((x) => compileCondition(x, virtual));
    return (s) => {
      for (let i = 0; i < parts.length; i++) if (parts[i]!(s)) return true;
      return false;
    };
  }
  if ("not" in c) {
    const inner = compileCondition(c.not, virtual);
    return (s) => !inner(s);
  }
  const get = compileGetter(c.field, virtual);
  if ("equals" in c) {
    const want = norm(c.equals);
    if (typeof want === "string")
      return (s) => {
        const v = get(s);
        return typeof v === "string" && (v === want || v.toLowerCase() === want);
      };
    return (s) => get(s) === want;
  }
  if ("in" in c) {
    const set = new Set(c.in.map(norm));
    return (s) => {
      const v = get(s);
      if (v === undefined) return false;
      return set.has(v as Scalar) || (typeof v === "string" && set.has(v.toLowerCase()));
    };
  }
  if ("range" in c) {
    const min = c.range.min ?? Number.NEGATIVE_INFINITY;
    const max = c.range.max ?? Number.POSITIVE_INFINITY;
    return (s) => {
      const v = get(s);
      return typeof v === "number" && v >= min && v <= max;
    };
  }
  if ("pattern" in c) {
    const re = new RegExp(c.pattern, "i");
    return (s) => {
      const v = get(s);
      return (typeof v === "string" || typeof v === "number") && re.test(String(v));
    };
  }
  const want = c.exists;
  return (s) => {
    const v = get(s);
    return (v !== null && v !== undefined && v !== "") === want;
  };
}
