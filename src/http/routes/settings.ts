import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { verdictJobRunner } from "../../app/rejudge-verdicts.ts";
import { checkSection, slaSettingOf, type WorkspaceSettings } from "../../app/workspace-settings.ts";
import { WinnowError } from "../../core/errors.ts";
import { frameworkInputSchema } from "../../core/frameworks/define-framework.ts";
import { customQuestionLibrarySchema } from "../../core/frameworks/questions/check-library.ts";
import { icpProfileSchema } from "../../core/qualification/icp.ts";
import { SETTINGS_SECTIONS, type SettingsSection, type StoredSetting } from "../../storage/settings-repo.ts";
import { principalOf } from "../auth/authenticate.ts";
import type { ApiContext } from "../context.ts";
import { AUTH_ERRORS, ProblemSchema } from "../schemas/common.ts";
import { FrameworkSchema, QuestionSchema } from "../schemas/qualification.ts";
import { baseLifecycle, settingsRepo, workspaceSettings } from "../workspace-settings.ts";

const IssueSchema = z.object({ path: z.string(), message: z.string() });

const SettingSchema = z
  .object({
    section: z.enum(SETTINGS_SECTIONS),
    version: z.number().int().describe("0 when the section was never saved (the server's defaults apply)"),
    stored: z.boolean().describe("False when `value` is the server's default rather than a saved value"),
    value: z.unknown().describe("The section as it applies now (see docs/api.md for each section's shape)"),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: "WorkspaceSetting" });

const VerdictJobSchema = z
  .object({
    id: z.string(),
    section: z.string().describe("The settings section whose save started it (icp or frameworks)"),
    settingsVersion: z.number().int().describe("The version saved"),
    state: z.enum(["running", "done", "failed"]),
    processed: z.number().int().describe("Leads with a scorecard re-judged so far"),
    total: z.number().int().describe("Leads with a scorecard when the job started"),
    changed: z.number().int().describe("Leads whose stored verdict changed (each with a history entry)"),
    error: z.string().nullable(),
    createdBy: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "VerdictJob" });

/** Sections a stored verdict depends on: saving one re-judges every lead's stored verdict. */
const REJUDGED: Partial<Record<SettingsSection, string>> = { icp: "ICP", frameworks: "Custom frameworks" };

const SectionParams = z.object({ section: z.enum(SETTINGS_SECTIONS) });

/** The SLA section's shape, for the document only (the core's parseLifecycleConfig validates it). */
const SlaDoc = z.object({
  calendar: z.object({
    timeZone: z.string().describe("IANA time zone, e.g. Europe/Paris"),
    workdays: z.array(z.number().int().min(1).max(7)).describe("1 = Monday ... 7 = Sunday"),
    start: z.string().describe("HH:mm"),
    end: z.string().describe("HH:mm, after start"),
    holidays: z.array(z.string()).describe("YYYY-MM-DD"),
  }),
  sla: z.object({
    acceptWithinWorkingHours: z.number().positive().nullable(),
    unreachable: z.object({ attempts: z.number().int().min(0), overDays: z.number().min(0) }),
  }),
});

/** JSON schema of a section value for the OpenAPI document; validation is checkSection's, with paths. */
const docSchema = (schema: z.ZodType, title: string) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return { ...rest, title };
};

const SettingWrite = z.object({
  expectedVersion: z.number().int().min(0).describe("The version you read (0 when it was never saved)"),
  value: z
    .unknown()
    .describe(
      "icp: an ICP profile; sla: { calendar, sla } as in a lifecycle file; frameworks: custom framework definitions; questions: custom questions. null clears the section",
    )
    .meta({
      oneOf: [
        docSchema(icpProfileSchema, "icp"),
        docSchema(SlaDoc, "sla"),
        docSchema(z.array(frameworkInputSchema), "frameworks"),
        docSchema(customQuestionLibrarySchema, "questions"),
      ],
    }),
  why: z.string().max(500).optional(),
});

/** The section as it applies: the stored value, or what the server uses when none is stored. */
function defaultValue(section: SettingsSection, ctx: ApiContext): unknown {
  return section === "sla" ? slaSettingOf(baseLifecycle(ctx)) : section === "icp" ? null : [];
}

function view(section: SettingsSection, stored: StoredSetting | null, ctx: ApiContext) {
  const saved = stored !== null && stored.value !== null;
  return {
    section,
    version: stored?.version ?? 0,
    stored: saved,
    value: saved ? stored.value : defaultValue(section, ctx),
    updatedAt: stored?.updatedAt ?? null,
    updatedBy: stored?.updatedBy ?? null,
  };
}

/** Playbook for discovery: what a rep's screen needs to qualify as the server does. */
const playbookOf = (ws: WorkspaceSettings) => ({
  icp: ws.icp as Record<string, unknown> | null,
  frameworks: ws.frameworks as unknown as z.infer<typeof FrameworkSchema>[],
  questions: ws.questions.map((q) => ({ ...q })),
});

/**
 * Workspace settings edited from the app: the ICP, the SLA policy, custom frameworks and custom
 * questions. Managers read, admins write; every write names the version it read (409 when stale)
 * and is kept in the section's history. The discovery playbook is readable by reps too.
 */
export const settingsRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["settings"];
  const read = { permission: "reports:read" } as const;
  const repo = settingsRepo(ctx);
  // Re-judges of stored verdicts after an ICP / framework save: jobs in rescore_jobs, like rescores.
  const verdictJobs = verdictJobRunner(ctx.deps.storage);
  app.addHook("onClose", () => verdictJobs.stop());

  app.get(
    "/settings",
    {
      config: read,
      schema: {
        tags,
        summary: "Every settings section as it applies now, with its version",
        response: { 200: z.object({ data: z.array(SettingSchema) }), ...AUTH_ERRORS },
      },
    },
    async () => {
      const stored = new Map((await repo.all()).map((s) => [s.section, s]));
      return { data: SETTINGS_SECTIONS.map((s) => view(s, stored.get(s) ?? null, ctx)) };
    },
  );
  app.get(
    "/settings/:section",
    {
      config: read,
      schema: {
        tags,
        summary: "One settings section with its version",
        params: SectionParams,
        response: { 200: SettingSchema, 422: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request) => view(request.params.section, await repo.get(request.params.section), ctx),
  );
  app.put(
    "/settings/:section",
    {
      config: { permission: "admin" },
      schema: {
        tags,
        summary: "Save a settings section (validated; 409 when someone saved it since you read it)",
        params: SectionParams,
        body: SettingWrite,
        response: {
          200: SettingSchema.extend({
            warnings: z
              .array(IssueSchema)
              .describe("Advice that did not block saving (e.g. a closed question)"),
            rejudge: VerdictJobSchema.nullable().describe(
              "icp and frameworks: the job re-judging every lead's stored verdict with the new settings; poll GET /v1/settings/rejudge/{id}",
            ),
          }),
          409: ProblemSchema,
          422: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const { section } = request.params;
      const checked = checkSection(section, request.body.value ?? null);
      if (!checked.ok) {
        throw new WinnowError("WINNOW_ERR_VALIDATION", {
          message: `The ${section} settings are not valid; see issues`,
          issues: checked.error.map((i) => ({ ...i, path: i.path ? `body.value.${i.path}` : "body.value" })),
        });
      }
      const label = REJUDGED[section];
      const before = label ? await workspaceSettings(ctx) : null;
      const saved = await repo.put({
        section,
        expectedVersion: request.body.expectedVersion,
        value: checked.value.value,
        actor: principalOf(request).name,
        at: ctx.now().toISOString(),
        why: request.body.why ?? null,
      });
      let rejudge = null;
      if (label && before) {
        const after = await workspaceSettings(ctx);
        const { job } = await verdictJobs.start({
          id: ctx.ids(),
          section,
          settingsVersion: saved.version,
          by: principalOf(request).name,
          now: ctx.now().toISOString(),
          before,
          after,
          reason: `${label} changed (settings version ${saved.version})`,
        });
        rejudge = job;
      }
      return { ...view(section, saved, ctx), warnings: [...checked.value.warnings], rejudge };
    },
  );
  app.get(
    "/settings/rejudge",
    {
      config: read,
      schema: {
        tags,
        summary:
          "The latest re-judge of stored verdicts (after an ICP or custom framework save): state, processed / total, changed",
        response: { 200: z.object({ job: VerdictJobSchema.nullable() }), ...AUTH_ERRORS },
      },
    },
    async () => ({ job: await verdictJobs.repository.latest() }),
  );
  app.get(
    "/settings/rejudge/:id",
    {
      config: read,
      schema: {
        tags,
        summary: "One re-judge of stored verdicts by id (the `rejudge.id` a settings save answered)",
        params: z.object({ id: z.string().min(1) }),
        response: { 200: VerdictJobSchema, 404: ProblemSchema, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const job = await verdictJobs.repository.get(request.params.id);
      if (!job)
        throw new WinnowError("WINNOW_ERR_NOT_FOUND", {
          message: `No re-judge of stored verdicts has id ${request.params.id}`,
        });
      return job;
    },
  );
  app.get(
    "/settings/:section/history",
    {
      config: read,
      schema: {
        tags,
        summary: "Who saved which version of a section, and when (newest first)",
        params: SectionParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: {
          200: z.object({
            data: z.array(
              z.object({
                version: z.number().int(),
                value: z.unknown(),
                changedAt: z.string(),
                changedBy: z.string(),
                why: z.string().nullable(),
              }),
            ),
          }),
          422: ProblemSchema,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => ({
      data: (await repo.history(request.params.section, request.query.limit)).map(
        ({ section: _s, ...rest }) => rest,
      ),
    }),
  );
  app.get(
    "/playbook",
    {
      config: { permission: "records:read" },
      schema: {
        tags,
        summary: "What discovery qualifies with: the ICP, custom frameworks and custom questions",
        response: {
          200: z.object({
            icp: z.record(z.string(), z.unknown()).nullable(),
            frameworks: z.array(FrameworkSchema),
            questions: z.array(QuestionSchema),
          }),
          ...AUTH_ERRORS,
        },
      },
    },
    async () => playbookOf(await workspaceSettings(ctx)),
  );
};
