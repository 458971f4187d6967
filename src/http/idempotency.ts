import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { WinnowError } from "../core/errors.ts";
import { principalOf } from "./auth/authenticate.ts";
import type { ApiContext } from "./context.ts";

export const IDEMPOTENCY_HEADER = "idempotency-key";
const KEY_SHAPE = /^[\x21-\x7e]{1,200}$/;

export type Outcome = { readonly status: number; readonly body: unknown };

/**
 * Runs a write at most once per `Idempotency-Key` (scoped to the API key that sent it). A retry with
 * the same key and the same request gets the first response again (`Idempotent-Replayed: true`);
 * the same key with a different request is refused (422); a retry while the first is still running
 * gets 409. A write that fails releases the key, so the client can retry it. Without the header the
 * write simply runs.
 */
export async function idempotent(
  ctx: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<Outcome>,
): Promise<FastifyReply> {
  const header = request.headers[IDEMPOTENCY_HEADER];
  if (header === undefined) {
    const out = await run();
    return reply.code(out.status).send(out.body);
  }
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined || !KEY_SHAPE.test(key)) {
    throw new WinnowError("WINNOW_ERR_VALIDATION", {
      issues: [{ path: "headers.idempotency-key", message: "must be 1-200 visible ASCII characters" }],
    });
  }
  const scope = principalOf(request).keyId;
  const hash = createHash("sha256")
    .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest("hex");
  const begun = await ctx.deps.idempotency.begin(scope, key, hash, ctx.now().toISOString());
  if (begun.state === "mismatch") throw new WinnowError("WINNOW_ERR_IDEMPOTENCY_KEY_REUSED");
  if (begun.state === "pending") throw new WinnowError("WINNOW_ERR_IDEMPOTENCY_IN_PROGRESS");
  if (begun.state === "done") {
    return reply.code(begun.status).header("idempotent-replayed", "true").send(JSON.parse(begun.response));
  }
  let out: Outcome;
  try {
    out = await run();
  } catch (error) {
    await ctx.deps.idempotency.release(scope, key);
    throw error;
  }
  await ctx.deps.idempotency.complete(scope, key, out.status, JSON.stringify(out.body));
  return reply.code(out.status).send(out.body);
}
