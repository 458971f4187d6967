// A cheaper validation and answer for POST /v1/events, the hottest route: the common request is
// checked by hand, anything else goes to zod, so that every error stays exactly zod's.
import type { FastifyRouteSchemaDef } from "fastify/types/schema.js";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { z } from "zod";
import { EventInput, Instant } from "../schemas/records.ts";

type Event = z.infer<typeof EventInput>;
type Outcome = { index: number; id: string; status: "created" | "duplicate" };

const isText = (v: unknown, max: number): v is string =>
  typeof v === "string" && v.length >= 1 && v.length <= max;

/** `Attributes`: an object of strings, finite numbers, booleans and nulls. */
function isAttributes(v: unknown): v is Record<string, string | number | boolean | null> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  for (const key in v) {
    if (!Object.hasOwn(v, key)) return false;
    const x = (v as Record<string, unknown>)[key];
    if (
      !(
        x === null ||
        typeof x === "string" ||
        typeof x === "boolean" ||
        (typeof x === "number" && Number.isFinite(x))
      )
    )
      return false;
  }
  return true;
}

/**
 * The body as zod would give it (the schema's keys only) when it is a plainly valid event, else
 * null (zod decides, and words the error). The instant is checked by zod's own `Instant`.
 */
export function plainEvent(body: unknown): Event | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  const { key, leadId, type, occurredAt, properties } = b;
  if (key !== undefined && !isText(key, 200)) return null;
  if (!isText(leadId, 200) || !isText(type, 100) || typeof occurredAt !== "string") return null;
  if (properties !== undefined && !isAttributes(properties)) return null;
  if (!Instant.safeParse(occurredAt).success) return null;
  const event: Event = { leadId, type, occurredAt };
  if (key !== undefined) event.key = key;
  if (properties !== undefined) event.properties = properties;
  return event;
}

/**
 * The route's validators: the body through plainEvent first, an empty query string as is (what
 * zod gives for it: no `wait`); everything else, and every failure, through zod.
 */
export function eventValidatorCompiler<S>(route: FastifyRouteSchemaDef<S>) {
  const zod = validatorCompiler(route as unknown as FastifyRouteSchemaDef<z.ZodType>);
  if (route.httpPart === "body" && (route.schema as unknown) === EventInput)
    return (data: unknown) => {
      const value = plainEvent(data);
      return value ? { value } : zod(data);
    };
  if (route.httpPart === "querystring")
    return (data: unknown) => {
      for (const _ in data as object) return zod(data);
      return { value: {} };
    };
  return zod;
}

/** The route's answers: the outcome (201/200) written directly, the problems through zod. */
export function eventSerializerCompiler<S>(route: FastifyRouteSchemaDef<S> & { httpStatus?: string }) {
  if (route.httpStatus !== "200" && route.httpStatus !== "201")
    return serializerCompiler(route as unknown as Parameters<typeof serializerCompiler>[0]);
  return (data: unknown): string => {
    const o = data as Outcome;
    if (
      !Number.isInteger(o.index) ||
      typeof o.id !== "string" ||
      (o.status !== "created" && o.status !== "duplicate")
    )
      throw new Error(`POST /v1/events answer does not match its schema: ${JSON.stringify(data)}`);
    return `{"index":${o.index},"id":${JSON.stringify(o.id)},"status":"${o.status}"}`;
  };
}
