import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Webhook signatures: `Winnow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * Signing the timestamp with the body lets receivers refuse replays older than a few minutes.
 *
 * @example
 * const header = signatureHeader("whsec_x", 1760000000, '{"type":"lead.stage_changed"}');
 * verifySignature("whsec_x", header, '{"type":"lead.stage_changed"}', 1760000010); // true
 */
export const SIGNATURE_HEADER = "winnow-signature";

export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signature(secret, timestamp, body)}`;
}

/** Checks a received header; `toleranceSeconds` bounds how old (or early) the timestamp may be. */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map(header.split(",").map((p) => p.trim().split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const v1 = parts.get("v1");
  if (!Number.isInteger(t) || !v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signature(secret, t, body), "hex");
  const given = Buffer.from(v1, "hex");
  return expected.length === given.length && timingSafeEqual(expected, given);
}
