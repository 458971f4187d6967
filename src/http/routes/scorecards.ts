import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { saveScorecard } from "../../app/scorecards.ts";
import { frameworkIn } from "../../app/workspace-settings.ts";
import { WinnowError } from "../../core/errors.ts";
import { ELEMENT_IDS, EVIDENCE_SOURCES, EVIDENCE_STATES } from "../../core/qualification/elements.ts";
import type { Scorecard } from "../../core/qualification/evidence.ts";
import { parseScorecard } from "../../core/qualification/scorecard-schema.ts";
import { qualify, type Verdict } from "../../core/qualification/verdict.ts";
import type { Storage, StoredLead, StoredScorecard, VerdictOutcome } from "../../storage/ports.ts";
import { principalOf } from "../auth/authenticate.ts";
import type { ApiContext } from "../context.ts";
import { visibleLead } from "../lead-access.ts";
import { AUTH_ERRORS, IdParams, ProblemSchema } from "../schemas/common.ts";
import { ScorecardSchema } from "../schemas/lead-detail.ts";
import { VerdictSchema } from "../schemas/qualification.ts";
import { workspaceSettings } from "../workspace-settings.ts";

const WithVerdict = z.object({ scorecard: ScorecardSchema.nullable(), verdict: VerdictSchema });

const EvidenceEdit = z.object({
  expectedVersion: z
    .number()
    .int()
    .min(0)
    .describe("The scorecard version you read (0 when the lead has none)"),
  element: z.enum(ELEMENT_IDS),
  state: z.enum(EVIDENCE_STATES),
  quote: z.string().max(5000).nullable().optional().describe("The buyer's own words"),
  source: z.enum(EVIDENCE_SOURCES),
  qualifier: z.string().min(1).max(100).optional(),
  date: z.iso.date().optional(),
  note: z.string().max(5000).optional(),
  framework: z.string().min(1).optional(),
  why: z.string().max(500).optional(),
});

const FullSave = z.object({
  expectedVersion: z.number().int().min(0),
  framework: z.string().min(1),
  evidence: z.record(z.string(), z.unknown()),
  why: z.string().max(500).optional(),
});

/** Stored verdicts keep the four decisive outcomes; "keep qualifying" is stored as no verdict yet. */
const storedOutcome = (v: Verdict): VerdictOutcome | null =>
  v.outcome === "keep-qualifying" ? null : v.outcome;

async function factsOf(storage: Storage, lead: StoredLead): Promise<Pick<Scorecard, "account" | "contact">> {
  const [contact, account] = await Promise.all([
    storage.contacts.get(lead.contactId),
    lead.accountId ? storage.accounts.get(lead.accountId) : null,
  ]);
  const name = [contact?.firstName, contact?.lastName].filter(Boolean).join(" ") || null;
  return {
    ...(account
      ? {
          account: {
            name: account.name,
            domain: account.domain,
            industry: account.industry,
            employees: account.employees,
            annualRevenue: account.annualRevenue,
            country: account.country,
            region: account.region,
          },
        }
      : {}),
    ...(contact
      ? {
          contact: {
            name,
            title: contact.title,
            seniority: contact.seniority,
            buyingRole: contact.buyingRole,
          },
        }
      : {}),
  };
}

/** Scorecards on leads: evidence edits (versioned, with history), the verdict and the next questions. */
export const scorecardRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const tags = ["scorecards"];
  const { storage } = ctx.deps;
  const errors = { 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema, ...AUTH_ERRORS };

  /** Validates evidence into a core scorecard (issues point into the request) and judges it. */
  const judged = async (lead: StoredLead, framework: string, evidence: unknown, prefix: string) => {
    const parsed = parseScorecard({ framework, evidence });
    if (!parsed.ok) {
      throw new WinnowError("WINNOW_ERR_VALIDATION", {
        message: "The evidence is not valid; see issues",
        issues: parsed.error.map((i) => ({
          ...i,
          path: `${prefix}.${i.path.replace(/^evidence\.?/, "")}`.replace(/\.$/, ""),
        })),
      });
    }
    const card: Scorecard = { ...parsed.value, ...(await factsOf(storage, lead)) };
    // The workspace's ICP gates the organization level; its own frameworks and questions apply too.
    const ws = await workspaceSettings(ctx);
    const verdict = qualify(card, frameworkIn(ws, framework), {
      now: ctx.now().toISOString(),
      ...(ws.icp ? { icp: ws.icp } : {}),
      extraQuestions: ws.questions.filter((q) => q.lang === "en"),
    });
    return { card, verdict };
  };
  const save = (
    request: FastifyRequest,
    lead: StoredLead,
    expectedVersion: number,
    framework: string,
    card: Scorecard,
    verdict: Verdict,
    why?: string,
  ): Promise<StoredScorecard> =>
    saveScorecard(storage, {
      leadId: lead.id,
      expectedVersion,
      framework,
      evidence: card.evidence as Record<string, unknown>,
      verdictOutcome: storedOutcome(verdict),
      verdict: {
        outcome: verdict.outcome,
        failedLevel: verdict.failedLevel,
        explanation: verdict.explanation,
      },
      actor: principalOf(request).name,
      now: ctx.now().toISOString(),
      why: why ?? null,
    });
  const asVerdict = (v: Verdict) => v as unknown as z.infer<typeof VerdictSchema>;

  app.get(
    "/leads/:id/scorecard",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary: "The latest scorecard and its verdict now, with the next questions to ask",
        params: IdParams,
        querystring: z.object({ framework: z.string().min(1).optional() }),
        response: { 200: WithVerdict, ...errors },
      },
    },
    async (request) => {
      const lead = await visibleLead(storage, request, request.params.id);
      const stored = await storage.scorecards.latest(lead.id);
      const framework = request.query.framework ?? stored?.framework ?? "bant";
      const { verdict } = await judged(lead, framework, stored?.evidence ?? {}, "evidence");
      return { scorecard: stored, verdict: asVerdict(verdict) };
    },
  );

  app.put(
    "/leads/:id/scorecard",
    {
      config: { permission: "records:write" },
      schema: {
        tags,
        summary: "Save all evidence as the next scorecard version",
        params: IdParams,
        body: FullSave,
        response: { 200: WithVerdict, ...errors },
      },
    },
    async (request) => {
      const lead = await visibleLead(storage, request, request.params.id);
      const b = request.body;
      const { card, verdict } = await judged(lead, b.framework, b.evidence, "body.evidence");
      const scorecard = await save(request, lead, b.expectedVersion, b.framework, card, verdict, b.why);
      return { scorecard, verdict: asVerdict(verdict) };
    },
  );

  app.post(
    "/leads/:id/scorecard/evidence",
    {
      config: { permission: "records:write" },
      schema: {
        tags,
        summary: "Record what the buyer said about one element (a new scorecard version)",
        params: IdParams,
        body: EvidenceEdit,
        response: { 200: WithVerdict, ...errors },
      },
    },
    async (request) => {
      const lead = await visibleLead(storage, request, request.params.id);
      const { expectedVersion, framework: fw, why, ...record } = request.body;
      const base = expectedVersion > 0 ? await storage.scorecards.get(lead.id, expectedVersion) : null;
      if (expectedVersion > 0 && !base)
        throw new WinnowError("WINNOW_ERR_STALE_WRITE", {
          message: `Lead ${lead.id} has no scorecard version ${expectedVersion}; reload and retry`,
        });
      const framework = fw ?? base?.framework ?? "bant";
      const evidence = {
        ...(base?.evidence ?? {}),
        [record.element]: {
          ...record,
          quote: record.quote ?? null,
          recordedBy: principalOf(request).subject ?? principalOf(request).name,
          recordedAt: ctx.now().toISOString(),
        },
      };
      const { card, verdict } = await judged(lead, framework, evidence, "body");
      const scorecard = await save(request, lead, expectedVersion, framework, card, verdict, why);
      return { scorecard, verdict: asVerdict(verdict) };
    },
  );

  app.get(
    "/leads/:id/scorecard/versions",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary: "Every saved version of the lead's scorecard",
        params: IdParams,
        response: { 200: z.object({ data: z.array(ScorecardSchema) }), ...errors },
      },
    },
    async (request) => {
      const lead = await visibleLead(storage, request, request.params.id);
      return { data: await storage.scorecards.listVersions(lead.id) };
    },
  );
};
