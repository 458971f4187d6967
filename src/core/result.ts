/**
 * Expected outcomes are values, not exceptions.
 *
 * @example
 * const r: Result<number, { code: string }> = ok(3);
 * if (r.ok) console.log(r.value);
 */
export type Result<T, E> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });
export const err = <E>(error: E): { readonly ok: false; readonly error: E } => ({ ok: false, error });
