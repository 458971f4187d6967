import type { Condition, Scalar } from "./condition.ts";

/** A compiled condition: a closure over the object the fields are read from. */
export type Predicate<T> = (subject: T) => boolean;
type Getter<T> = (subject: T) => unknown;

/**
 * Compiles a field path (`account.industry`, `contact.attributes.persona`, `properties.plan`) into a
 * getter. `resolve` supplies fast getters for known paths; other paths are walked generically.
 */
export function compileGetter<T>(path: string, resolve: FieldResolver<T> = () => undefined): Getter<T> {
  const fast = resolve(path);
  if (fast) return fast;
  const parts = path.split(".");
  const at = (o: unknown, k: string): unknown =>
    o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined;
  return (s) => {
    let o: unknown = s;
    for (let i = 0; i < parts.length; i++) o = at(o, parts[i]!);
    return o;
  };
}

/** Gives a fast getter for a field path, or undefined to fall back to the generic walk. */
export type FieldResolver<T> = (path: string) => Getter<T> | undefined;

/** Whether a string may differ from its lower-case form (checked without allocating). */
export function mayHaveUpper(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return true;
  }
  return false;
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
export function compileCondition<T>(c: Condition, resolve: FieldResolver<T> = () => undefined): Predicate<T> {
  if ("all" in c) {
    const parts = c.all.map((x) => compileCondition(x, resolve));
    if (parts.length === 1) return parts[0]!;
    return (s) => {
      for (let i = 0; i < parts.length; i++) if (!parts[i]!(s)) return false;
      return true;
    };
  }
  if ("any" in c) {
    const parts = c.any.map((x) => compileCondition(x, resolve));
    return (s) => {
      for (let i = 0; i < parts.length; i++) if (parts[i]!(s)) return true;
      return false;
    };
  }
  if ("not" in c) {
    const inner = compileCondition(c.not, resolve);
    return (s) => !inner(s);
  }
  const get = compileGetter(c.field, resolve);
  if ("equals" in c) {
    const want = norm(c.equals);
    if (typeof want === "string")
      return (s) => {
        const v = get(s);
        return typeof v === "string" && (v === want || (mayHaveUpper(v) && v.toLowerCase() === want));
      };
    return (s) => get(s) === want;
  }
  if ("in" in c) {
    const set = new Set(c.in.map(norm));
    return (s) => {
      const v = get(s);
      if (v === undefined) return false;
      return set.has(v as Scalar) || (typeof v === "string" && mayHaveUpper(v) && set.has(v.toLowerCase()));
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
