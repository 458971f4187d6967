import { PassThrough } from "node:stream";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { exportCsv } from "../../app/export-csv.ts";
import {
  IMPORT_TARGETS,
  importChangesScores,
  importCsv,
  type MappingSpec,
  PRESET_NAMES,
  parseMappingSpec,
} from "../../app/import/index.ts";
import { WinnowError } from "../../core/errors.ts";
import { seesAllLeads } from "../../core/roles.ts";
import { EXPORT_KINDS } from "../../storage/ports.ts";
import { principalOf } from "../auth/authenticate.ts";
import type { ApiContext } from "../context.ts";
import { AUTH_ERRORS, ProblemSchema } from "../schemas/common.ts";
import { workspaceSettings } from "../workspace-settings.ts";

/** Whole-workspace reads and writes: managers and admins, never a rep (who sees their own leads only). */
function requireWholeWorkspace(request: FastifyRequest, what: string): void {
  if (!seesAllLeads(principalOf(request).role))
    throw new WinnowError("WINNOW_ERR_FORBIDDEN", { message: `Only manager and admin keys may ${what}` });
}

function mappingOf(preset: string | undefined, json: string | undefined): MappingSpec | undefined {
  if (json !== undefined) {
    try {
      return parseMappingSpec(JSON.parse(json));
    } catch (error) {
      if (error instanceof SyntaxError)
        throw new WinnowError("WINNOW_ERR_VALIDATION", {
          message: "The mapping is not valid JSON",
          issues: [{ path: "query.mappingJson", message: error.message }],
        });
      throw error;
    }
  }
  return preset ? { preset: preset as (typeof PRESET_NAMES)[number] } : undefined;
}

/** Reads what is left of a request body, so that an early answer does not cut off a client still sending. */
function drain(request: FastifyRequest): Promise<void> {
  const raw = request.raw;
  if (raw.readableEnded) return Promise.resolve();
  return new Promise((done) => {
    raw
      .on("end", done)
      .on("error", () => done())
      .on("close", done);
    raw.resume();
  });
}

/**
 * CSV in and out over HTTP — what `winnow import` and `winnow export` do with `--url`. The import
 * streams the request body into the same all-or-nothing import as the CLI's (a 422 with every
 * rejected row's line and column when it refuses); the export streams pages as they are read.
 */
export const dataTransferRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["data"];
  const { storage } = ctx.deps;
  // The body reaches the route as a stream (no size limit, no buffering): a CSV may be gigabytes.
  app.addContentTypeParser(["text/csv", "application/octet-stream"], (_request, payload, done) =>
    done(null, payload),
  );

  app.get(
    "/export/:kind",
    {
      config: { permission: "records:read" },
      schema: {
        tags,
        summary: "Every record of a kind as CSV (manager, admin)",
        params: z.object({ kind: z.enum(EXPORT_KINDS) }),
        response: { 200: z.string().describe("text/csv, header first"), 422: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      requireWholeWorkspace(request, "export the workspace");
      const out = new PassThrough();
      const done = exportCsv(storage, request.params.kind, (chunk) =>
        out.write(chunk) ? undefined : new Promise<void>((ok) => out.once("drain", () => ok())),
      );
      // Headers go out with the first chunk; a failure after that can only cut the stream short.
      done.then(
        (rows) => {
          out.end();
          request.log.info({ rows }, "export finished");
        },
        (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
      );
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${request.params.kind}.csv"`)
        .send(out as unknown as string);
    },
  );

  app.post(
    "/imports",
    {
      config: { permission: "records:write" },
      schema: {
        tags,
        summary:
          "Import a CSV body (text/csv) of leads, accounts, contacts, deals or events: all or nothing; then the default scoring model rescores every lead as a job (`rescore` in the report)",
        querystring: z.object({
          as: z.enum(IMPORT_TARGETS),
          mapping: z.enum(PRESET_NAMES).optional().describe("A column preset"),
          mappingJson: z.string().max(100_000).optional().describe("A mapping file's JSON"),
          dryRun: z.enum(["true", "false"]).default("false"),
          skipInvalid: z.enum(["true", "false"]).default("false"),
          rescore: z
            .enum(["true", "false"])
            .default("true")
            .describe("After the import, rescore every lead with the default scoring model (a job)"),
        }),
        response: {
          200: z.record(z.string(), z.unknown()).describe("The import report (as `winnow import --json`)"),
          415: ProblemSchema,
          422: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      try {
        requireWholeWorkspace(request, "import");
        const body = request.body as NodeJS.ReadableStream | undefined;
        if (!body || typeof (body as { pipe?: unknown }).pipe !== "function")
          throw new WinnowError("WINNOW_ERR_UNSUPPORTED_MEDIA_TYPE", {
            message: "Send the CSV as the request body with Content-Type: text/csv",
          });
        const q = request.query;
        const mapping = mappingOf(q.mapping, q.mappingJson);
        const report = await importCsv(storage, body, {
          as: q.as,
          ...(mapping ? { mapping } : {}),
          dryRun: q.dryRun === "true",
          skipInvalid: q.skipInvalid === "true",
          now: ctx.now().toISOString(),
          // Imported MQLs get their SLA clock from the policy in force (stored settings, else the server's).
          lifecycle: (await workspaceSettings(ctx)).lifecycle,
          actor: `import:${principalOf(request).name}`,
        });
        // New leads, firmographics and events change scores: the default model rescores every lead
        // as a job (only changed scores are written); poll GET /v1/scoring-models/{modelId}/rescore.
        const model =
          q.rescore === "true" && importChangesScores(report)
            ? await storage.scoringModels.getDefault()
            : null;
        const rescore = model
          ? (
              await ctx.rescores.start(
                model,
                `import:${principalOf(request).name}`,
                ctx.ids(),
                ctx.now().toISOString(),
              )
            ).job
          : null;
        return { ...report, rescore } as unknown as Record<string, unknown>;
      } catch (error) {
        await drain(request);
        throw error;
      }
    },
  );
};
