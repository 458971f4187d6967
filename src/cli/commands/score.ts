import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { defineCommand } from "citty";
import { rescoreJobRunner } from "../../app/rescore-all.ts";
import { thresholdCrossedListened, thresholdCrossedPayloads } from "../../app/rescore-leads.ts";
import { readConfig } from "../../config.ts";
import { type Issue, WinnowError } from "../../core/errors.ts";
import {
  compileModel,
  type ExplanationEntry,
  parseScoringModel,
  type ScoreInput,
  type ScoringModel,
  scoreInputsSchema,
  thresholdMet,
} from "../../core/scoring/index.ts";
import { DEMO_DEFAULTS, type DemoOptions, generateLeads } from "../../demo/generate.ts";
import { enqueueWebhookEvent } from "../../http/webhooks/dispatcher.ts";
import { openStorage } from "../../storage/open.ts";
import type { Storage, StoredScoringModel } from "../../storage/ports.ts";
import { sqlWebhookRepository } from "../../storage/webhooks-repo.ts";
import { EXIT } from "../exit-codes.ts";
import { eprintln, io, printJson, println } from "../io.ts";
import { REMOTE_ARGS, type RemoteClient, remoteFor } from "../remote/client.ts";
import {
  followRescore,
  refuseRemote,
  remoteCreateDraft,
  remoteDefaultModel,
  remoteModel,
  remotePublish,
  remoteStartRescore,
} from "../remote/scoring.ts";

/** Reads a file named on the command line (relative to the CLI's working directory). */
export async function readInputFile(path: string): Promise<string> {
  try {
    return await readFile(resolve(io().cwd, path), "utf8");
  } catch (cause) {
    throw new WinnowError("WINNOW_ERR_FILE_NOT_FOUND", { message: `Cannot read ${path}`, cause });
  }
}

/** Reads and validates a scoring model file (.json as JSON, anything else as YAML). */
export async function loadModelFile(
  path: string,
): Promise<{ ok: true; model: ScoringModel } | { ok: false; issues: Issue[] }> {
  const text = await readInputFile(path);
  const r = parseScoringModel(text, /\.json$/i.test(path) ? "json" : "yaml");
  return r.ok ? { ok: true, model: r.value } : { ok: false, issues: r.error };
}

/** Like loadModelFile, but an invalid model is an error (exit 3) listing each issue with its line. */
export async function requireModel(path: string): Promise<ScoringModel> {
  const r = await loadModelFile(path);
  if (!r.ok)
    throw new WinnowError("WINNOW_ERR_SCORING_MODEL_INVALID", {
      message: `${path} is not a valid scoring model`,
      issues: r.issues,
    });
  return r.model;
}

export function parseCount(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new WinnowError("WINNOW_ERR_USAGE", {
      message: `--${name} must be a whole number, got "${value}"`,
    });
  return n;
}

/** The day the last demo lead is created: demo scores are taken then, while engagement is fresh. */
export const demoLastDay = (o: DemoOptions) =>
  new Date(Date.parse(o.start) + o.days * 86_400_000).toISOString();

const describeModel = (m: ScoringModel) =>
  `${m.id} v${m.version} (${m.status}${m.default ? ", default" : ""}): ${m.fit.rules.length} fit, ${m.engagement.rules.length} engagement, ${m.negative.rules.length} negative rules, ${m.thresholds.length} thresholds`;

async function validate(path: string, json: boolean): Promise<number> {
  const r = await loadModelFile(path);
  if (json) {
    printJson(
      r.ok
        ? { valid: true, model: { id: r.model.id, version: r.model.version, status: r.model.status } }
        : { valid: false, issues: r.issues },
    );
    return r.ok ? EXIT.ok : EXIT.invalidInput;
  }
  if (!r.ok)
    throw new WinnowError("WINNOW_ERR_SCORING_MODEL_INVALID", {
      message: `${path} is not a valid scoring model`,
      issues: r.issues,
    });
  println(`valid: ${describeModel(r.model)}`);
  return EXIT.ok;
}

async function loadInputs(file: string): Promise<ScoreInput[]> {
  const text = await readInputFile(file);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (cause) {
    throw new WinnowError("WINNOW_ERR_INVALID_JSON", { message: `${file} is not valid JSON`, cause });
  }
  const parsed = scoreInputsSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 50)
      .map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
    throw new WinnowError("WINNOW_ERR_SCORING_INPUT_INVALID", {
      message: `${file} is not a list of lead bundles`,
      issues,
    });
  }
  return parsed.data;
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
function explainLine(e: ExplanationEntry): string {
  const decay =
    e.side === "engagement" && e.decayedTo !== e.points ? ` (${e.points} decayed to ${e.decayedTo})` : "";
  const cap = e.capped ? ", capped" : "";
  const events = e.events === undefined ? "" : `, ${e.events} event${e.events === 1 ? "" : "s"}`;
  return `    ${signed(e.counted).padStart(4)}  ${e.ruleId} [${e.kind}${e.group ? `/${e.group}` : ""}${events}${cap}]${decay}`;
}

/** `[#####-----] 45,000/100,000 leads (45%), 1,234 crossings` on a terminal; a line per tenth otherwise. */
function progressBar(label: string): (done: number, total: number, crossings: number) => void {
  let lastTenth = -1;
  const fmt = (n: number) => n.toLocaleString("en-US");
  return (done, total, crossings) => {
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const text = `${fmt(done)}/${fmt(total)} leads (${Math.floor(share * 100)}%), ${fmt(crossings)} crossings`;
    if (io().isTty) {
      const filled = Math.round(share * 30);
      io().stderr(`\r${label} [${"#".repeat(filled)}${"-".repeat(30 - filled)}] ${text}`);
      if (done >= total) io().stderr("\n");
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth !== lastTenth) eprintln(`${label}: ${text}`);
    lastTenth = tenth;
  };
}

/**
 * Rescores every lead with `model` (the default) as a job, with a progress bar; crossings are queued
 * as lead.threshold_crossed webhooks (a running `winnow serve` delivers them).
 */
export async function rescoreWithProgress(storage: Storage, model: StoredScoringModel, actor: string) {
  const webhooks = sqlWebhookRepository(storage.sql);
  const bar = progressBar("rescoring");
  const runner = rescoreJobRunner(storage, {
    onProgress: (p) => bar(p.processed, p.total, p.crossings),
    onCrossings: async (changes) => {
      if (!(await thresholdCrossedListened(webhooks))) return;
      for (const change of changes)
        for (const data of thresholdCrossedPayloads(change))
          await enqueueWebhookEvent(
            webhooks,
            randomUUID,
            "lead.threshold_crossed",
            data,
            new Date().toISOString(),
          );
    },
  });
  const { job, done } = await runner.start(model, actor, randomUUID(), new Date().toISOString());
  if (job.total === 0) bar(0, 0, 0);
  const end = await done;
  if (end.state === "failed")
    throw new WinnowError("WINNOW_ERR_INTERNAL", {
      message: `The rescore failed: ${end.error ?? "unknown"}`,
    });
  return end;
}

/** What publish / rescore print, locally and through a server alike. */
function printPublishOutcome(
  model: StoredScoringModel,
  job: { id: string; processed: number; crossings: number } | null,
  json: boolean,
) {
  if (json) printJson({ model, rescore: job });
  else if (job)
    println(
      `rescored ${job.processed} leads with ${model.id}: ${job.crossings} threshold crossings (job ${job.id})`,
    );
  else println("not the default model: scores unchanged (publish with --default to rescore every lead)");
}

const printPublished = (model: StoredScoringModel) =>
  println(`published ${model.name} v${model.version} (${model.id})${model.isDefault ? ", default" : ""}`);

/**
 * publish / rescore through a server: the server runs the rescore job; this polls it and draws the
 * same progress bar. A file is validated here first (same errors as locally), then saved as a draft.
 */
async function remotePublishOrRescore(
  remote: RemoteClient,
  action: "publish" | "rescore",
  args: { model?: string; default?: boolean; json?: boolean },
): Promise<number> {
  let model: StoredScoringModel;
  let started = null;
  if (action === "rescore") {
    const current = await remoteDefaultModel(remote);
    if (!current)
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: "there is no default scoring model to rescore with: publish one with --default",
      });
    model = current;
    started = await remoteStartRescore(remote, current.id);
  } else {
    if (!args.model)
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: "give a model file or the id of a stored draft",
      });
    // A file on this machine is uploaded; anything else names a model stored on the server.
    const onDisk = existsSync(resolve(io().cwd, args.model));
    let found = onDisk ? null : await remoteModel(remote, args.model);
    if (!found) found = await remoteCreateDraft(remote, await requireModel(args.model));
    const { rescore, ...published } = await remotePublish(remote, found.id, Boolean(args.default));
    model = published;
    started = rescore;
    if (!args.json) printPublished(model);
  }
  const job = started ? await followRescore(remote, started, progressBar("rescoring")) : null;
  printPublishOutcome(model, job, Boolean(args.json));
  return EXIT.ok;
}

/** `winnow score draft <file>`: saves a model file as a draft (never published) and prints its id. */
async function saveDraft(
  remote: RemoteClient | null,
  args: { model?: string; db?: string; actor?: string; json?: boolean },
): Promise<number> {
  if (!args.model) throw new WinnowError("WINNOW_ERR_USAGE", { message: "give a scoring model file" });
  const doc = await requireModel(args.model);
  let draft: StoredScoringModel;
  if (remote) draft = await remoteCreateDraft(remote, doc);
  else {
    const storage = await openStorage(readConfig({ env: io().env, cwd: io().cwd, db: args.db }).database);
    try {
      draft = await storage.scoringModels.createDraft({
        name: doc.name,
        document: doc,
        createdBy: args.actor ?? "cli",
        createdAt: new Date().toISOString(),
      });
    } finally {
      await storage.close();
    }
  }
  if (args.json) printJson(draft);
  else println(`saved draft ${draft.name} v${draft.version} (${draft.id}): backtest it, then publish it`);
  return EXIT.ok;
}

/** `winnow score publish <file|id> [--default]` and `winnow score rescore`: both against the database. */
async function publishOrRescore(
  action: "publish" | "rescore",
  args: { model?: string; db?: string; default?: boolean; actor?: string; json?: boolean },
): Promise<number> {
  const storage = await openStorage(readConfig({ env: io().env, cwd: io().cwd, db: args.db }).database);
  const actor = args.actor ?? "cli";
  try {
    let model: StoredScoringModel;
    let changed = true;
    if (action === "rescore") {
      const current = await storage.scoringModels.getDefault();
      if (!current)
        throw new WinnowError("WINNOW_ERR_USAGE", {
          message: "there is no default scoring model to rescore with: publish one with --default",
        });
      model = current;
    } else {
      if (!args.model)
        throw new WinnowError("WINNOW_ERR_USAGE", {
          message: "give a model file or the id of a stored draft",
        });
      const now = new Date().toISOString();
      let found = await storage.scoringModels.get(args.model);
      if (!found) {
        const doc = await requireModel(args.model);
        found = await storage.scoringModels.createDraft({
          name: doc.name,
          document: doc,
          createdBy: actor,
          createdAt: now,
        });
      }
      model = await storage.scoringModels.publish(found.id, actor, now);
      if (args.default && !model.isDefault) model = await storage.scoringModels.setDefault(model.id);
      changed = found.status !== "published" || found.isDefault !== model.isDefault;
      if (!args.json) printPublished(model);
    }
    const job = model.isDefault && changed ? await rescoreWithProgress(storage, model, actor) : null;
    printPublishOutcome(model, job, Boolean(args.json));
    return EXIT.ok;
  } finally {
    await storage.close();
  }
}

export const command = defineCommand({
  meta: {
    name: "score",
    description:
      "Validate a scoring model, score leads with it, or publish it to the database.\n  winnow score validate <model.yaml>\n  winnow score leads <model.yaml> --demo [--leads N]\n  winnow score leads <model.yaml> <leads.json> [--at ISO]\n  winnow score draft <model.yaml> [--db D]   (save it as a draft; prints its id)\n  winnow score publish <model.yaml|draft id> [--default] [--db D]   (the default model rescores every lead, with a progress bar)\n  winnow score rescore [--db D]   (every lead again with the default model)\ndraft, publish and rescore also run through a server: --url <server> --key <api key>",
  },
  args: {
    action: {
      type: "positional",
      required: true,
      description: "validate | leads | draft | publish | rescore",
    },
    model: {
      type: "positional",
      required: false,
      description: "Scoring model file (.yaml, .yml or .json); publish: or the id of a stored draft",
    },
    input: {
      type: "positional",
      required: false,
      description: "JSON file: a list of { account, contact, lead, events } (score leads)",
    },
    demo: { type: "boolean", description: "Score generated demo leads instead of a file" },
    leads: { type: "string", description: "How many demo leads (default 20)" },
    seed: { type: "string", description: "Seed of the demo generator (default 42)" },
    at: {
      type: "string",
      description:
        "Score as of this instant (default: now; for --demo, the day the last demo lead was created)",
    },
    explain: {
      type: "string",
      description: "Explanation lines per lead in text output (default 5; 0 for none)",
    },
    json: { type: "boolean", description: "Print JSON" },
    default: {
      type: "boolean",
      description: "publish: also make it the default model (rescores every lead)",
    },
    db: {
      type: "string",
      description:
        "draft, publish, rescore: a folder for the embedded engine, memory://, or postgres://... (default: DATABASE_URL, else ./.winnow)",
    },
    actor: {
      type: "string",
      description: "draft, publish, rescore: recorded as who did it (with --url: the API key's name)",
      default: "cli",
    },
    ...REMOTE_ARGS,
  },
  async run({ args }) {
    const remote = args.action === "validate" ? null : remoteFor(args);
    if (remote) {
      if (args.db) refuseRemote("--db", "give either a database (--db) or a server (--url), not both");
      if (args.actor !== "cli")
        refuseRemote("--actor", "the server records the API key's name as who did it; drop --actor");
      if (args.action === "leads")
        refuseRemote(
          "score leads",
          "it scores a file or demo leads on this machine, and the server scores its own leads as events arrive (GET /v1/leads/:id shows a lead's score); drop --url",
        );
    }
    if (args.action === "draft")
      return saveDraft(remote, {
        ...(args.model ? { model: args.model } : {}),
        ...(args.db ? { db: args.db } : {}),
        actor: args.actor,
        json: Boolean(args.json),
      });
    if (remote && (args.action === "publish" || args.action === "rescore"))
      return remotePublishOrRescore(remote, args.action, {
        ...(args.model ? { model: args.model } : {}),
        default: Boolean(args.default),
        json: Boolean(args.json),
      });
    if (args.action === "publish" || args.action === "rescore")
      return publishOrRescore(args.action, {
        ...(args.model ? { model: args.model } : {}),
        ...(args.db ? { db: args.db } : {}),
        default: Boolean(args.default),
        actor: args.actor,
        json: Boolean(args.json),
      });
    if (!args.model)
      throw new WinnowError("WINNOW_ERR_USAGE", { message: "give a scoring model file (.yaml or .json)" });
    if (args.action === "validate") return validate(args.model, Boolean(args.json));
    if (args.action !== "leads")
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: `unknown action "${args.action}": use validate, leads, draft, publish or rescore`,
      });
    const model = await requireModel(args.model);
    const demoOptions = {
      ...DEMO_DEFAULTS,
      leads: parseCount(args.leads, "leads", 20),
      seed: parseCount(args.seed, "seed", DEMO_DEFAULTS.seed),
    };
    let inputs: Iterable<ScoreInput>;
    if (args.demo) inputs = generateLeads(demoOptions);
    else if (args.input) inputs = await loadInputs(args.input);
    else
      throw new WinnowError("WINNOW_ERR_USAGE", { message: "give a JSON file of lead bundles, or --demo" });
    const atText = args.at ?? (args.demo ? demoLastDay(demoOptions) : new Date().toISOString());
    const at = Date.parse(atText);
    if (Number.isNaN(at))
      throw new WinnowError("WINNOW_ERR_USAGE", { message: `--at is not an ISO instant: "${atText}"` });
    const scorer = compileModel(model);
    const rows = [];
    for (const input of inputs) {
      const r = scorer.score(input, at);
      rows.push({
        leadId: input.lead?.id ?? null,
        fit: r.fit,
        engagement: r.engagement,
        total: r.total,
        grade: r.grade,
        thresholdsMet: model.thresholds
          .filter((t) => t.atLeast !== undefined && thresholdMet(t, r))
          .map((t) => t.id),
        explanation: r.explanation,
      });
    }
    if (args.json) {
      printJson({
        model: { id: model.id, version: model.version },
        at: new Date(at).toISOString(),
        leads: rows,
      });
      return EXIT.ok;
    }
    const limit = parseCount(args.explain, "explain", 5);
    println(`${describeModel(model)}\nscored as of ${new Date(at).toISOString()}\n`);
    println(`${"lead".padEnd(14)} grade   fit  eng  total  thresholds`);
    for (const row of rows) {
      println(
        `${String(row.leadId).padEnd(14)} ${row.grade.padEnd(5)} ${String(row.fit).padStart(5)} ${String(row.engagement).padStart(4)} ${String(row.total).padStart(6)}  ${row.thresholdsMet.join(", ") || "-"}`,
      );
      const top = [...row.explanation]
        .sort((a, b) => Math.abs(b.counted) - Math.abs(a.counted))
        .slice(0, limit);
      for (const e of top) println(explainLine(e));
      if (row.explanation.length > top.length && limit > 0)
        println(`    (${row.explanation.length - top.length} more rules; --json for all)`);
    }
    return EXIT.ok;
  },
});
