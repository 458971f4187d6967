import { type CommandDef, defineCommand } from "citty";
import { POPULATIONS, type Population } from "../../app/predictive/features.ts";
import { type IcpView, icpFromDeals } from "../../app/predictive/icp.ts";
import { adoptIcpIntoDraft, type IcpDraftResult } from "../../app/predictive/icp-draft.ts";
import { type TrainPredictiveResult, trainPredictive } from "../../app/predictive/train.ts";
import { readConfig } from "../../config.ts";
import { isWinnowError, WinnowError } from "../../core/errors.ts";
import { learnerNamed } from "../../core/model/learners.ts";
import { openStorage } from "../../storage/open.ts";
import { EXIT } from "../exit-codes.ts";
import { eprintln, io, printJson, println } from "../io.ts";
import { REMOTE_ARGS, type RemoteClient, remoteFor } from "../remote/client.ts";
import { refuseRemote, serverDetail } from "../remote/scoring.ts";

/** Same as `winnow train`: too few won or lost examples; the rules score stays in use. */
export const EXIT_NOT_ENOUGH_DATA = 7;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * `winnow train-db`: train on the database's own won and lost history (the same run as
 * `POST /v1/predictive/train`), store the model as the active one and score the open leads.
 */
export const command = defineCommand({
  meta: {
    name: "train-db",
    description:
      "Train a predictive model on the database's won and lost leads (or deals), store it as the active model and score the open leads (or a server's: --url <server> --key <api key>)",
  },
  args: {
    db: {
      type: "string",
      description:
        "Database: a folder for the embedded engine, memory://, or postgres://... (default: DATABASE_URL, else ./.winnow)",
    },
    learner: { type: "string", description: "default | nb | logistic | gbdt", default: "default" },
    population: {
      type: "string",
      description: "leads (every decided lead) | deals (closed deals)",
      default: "leads",
    },
    seed: { type: "string", description: "Seed for the held-out split and the trees", default: "0" },
    now: { type: "string", description: "Treat this instant as now (ISO; default: the clock)" },
    icp: { type: "boolean", description: "Also print ICP fit rules" },
    adopt: {
      type: "string",
      description:
        "Then save a scoring-model draft = the default model + ICP rules: `suggested`, or rule/segment ids separated by commas (never published)",
    },
    actor: { type: "string", description: "Recorded as trained_by", default: "cli" },
    json: { type: "boolean", description: "Machine-readable output" },
    ...REMOTE_ARGS,
  },
  async run({ args }) {
    const seed = Number(args.seed);
    if (!Number.isInteger(seed) || seed < 0)
      throw new WinnowError("WINNOW_ERR_USAGE", { message: "--seed must be a whole number" });
    if (!(POPULATIONS as readonly string[]).includes(args.population))
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: `--population must be one of ${POPULATIONS.join(", ")}`,
      });
    const now = args.now ?? new Date().toISOString();
    if (Number.isNaN(Date.parse(now)))
      throw new WinnowError("WINNOW_ERR_USAGE", { message: "--now must be an ISO date or instant" });
    const learner = learnerNamed(args.learner);
    const population = args.population as Population;
    const adopt = args.adopt?.trim();
    const adoptIds: "suggested" | string[] | null = adopt
      ? adopt === "suggested"
        ? "suggested"
        : adopt
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean)
      : null;
    const remote = remoteFor(args);
    if (remote) {
      if (args.db) refuseRemote("--db", "give either a database (--db) or a server (--url), not both");
      if (args.now) refuseRemote("--now", "the server trains as of its own clock; drop --now");
      if (args.actor !== "cli")
        refuseRemote("--actor", "the server records the API key's name as trained_by; drop --actor");
    }
    let storage: Awaited<ReturnType<typeof openStorage>> | null = null;
    try {
      eprintln("training on the database's closed history…");
      const at = new Date(now).toISOString();
      let result: TrainPredictiveResult;
      let icp: IcpView | null = null;
      let adopted: IcpDraftResult | null = null;
      if (remote) {
        result = await remoteTrain(remote, { learner: args.learner, population, seed });
        if (result.trained) {
          icp = args.icp ? await remoteIcp(remote, population) : null;
          adopted = adoptIds
            ? await remote.json<IcpDraftResult>("/v1/predictive/icp/draft", {
                body: { adopt: adoptIds, population },
              })
            : null;
        }
      } else {
        const config = readConfig({ env: io().env, cwd: io().cwd, db: args.db });
        storage = await openStorage(config.database);
        result = await trainPredictive(storage, {
          now: at,
          actor: args.actor,
          learner,
          population,
          seed,
        });
        if (result.trained) {
          icp = args.icp ? await icpFromDeals(storage, at, { population }) : null;
          adopted = adoptIds
            ? await adoptIcpIntoDraft(storage, { now: at, actor: args.actor, population, adopt: adoptIds })
            : null;
        }
      }
      if (!result.trained) {
        if (args.json) printJson({ trained: false, ...result.readiness });
        else println(result.readiness.reason);
        return EXIT_NOT_ENOUGH_DATA;
      }
      const m = result.metrics;
      if (args.json) {
        printJson({
          trained: true,
          model: result.model,
          metrics: m,
          scored: result.scored,
          ...(icp ? { icp } : {}),
          ...(adopted ? { draft: adopted } : {}),
        });
        return EXIT.ok;
      }
      println(
        `model v${result.model.version} (${result.model.learner}, ${m.population}): ${m.rows} rows, ${m.won} won (${pct(m.won / m.rows)})`,
      );
      println(
        `held-out (${m.heldOut.rows} rows): AUC ${m.heldOut.auc} (95% CI ${m.heldOut.aucLow}-${m.heldOut.aucHigh})  log loss ${m.heldOut.logloss}  Brier ${m.heldOut.brier}`,
      );
      if (m.heldOut.aucHigh - m.heldOut.aucLow > 0.2 || m.heldOut.rows < 50)
        println(
          `  (only ${m.heldOut.rows} held-out rows: these figures are rough until more deals close; the AUC could be anywhere in its interval)`,
        );
      println(`lift by decile: ${m.liftByDecile.map((d) => d.lift.toFixed(2)).join(" ")}`);
      println(
        `most important: ${m.importance
          .slice(0, 5)
          .map((x) => x.feature)
          .join(", ")}`,
      );
      println(`scored ${result.scored} open leads`);
      if (icp?.ready) {
        println(`ICP (base win rate ${pct(icp.report.baseRate)}):`);
        if (icp.rules.length === 0) println("  no segment beats or trails the base rate with confidence yet");
        for (const r of icp.rules.slice(0, 10)) {
          println(`  ${JSON.stringify(r.scoringRule.when)}: ${r.points > 0 ? "+" : ""}${r.points} points`);
        }
      }
      if (adopted) {
        const d = adopted.draft;
        println(
          `draft ${d.name} v${d.version} (${d.id}) = ${adopted.base.name} v${adopted.base.version} + ${adopted.adopted.map((r) => r.id).join(", ")}; backtest it, then publish (nothing was published)`,
        );
      }
      return EXIT.ok;
    } finally {
      await storage?.close();
    }
  },
}) as unknown as CommandDef;

/** The server's "too few won or lost examples" (422 WINNOW_ERR_MODEL_DATA) as the local readiness. */
function notReady(remote: RemoteClient, e: unknown) {
  if (!isWinnowError(e) || e.code !== "WINNOW_ERR_MODEL_DATA") return null;
  const d = e.details as { won?: unknown; lost?: unknown };
  return {
    ready: false as const,
    won: Number(d.won ?? 0),
    lost: Number(d.lost ?? 0),
    reason: serverDetail(remote, e),
    fallback: "rules-score" as const,
  };
}

/** POST /v1/predictive/train: the same run as locally, in the server, as of its clock. */
async function remoteTrain(
  remote: RemoteClient,
  body: { learner: string; population: Population; seed: number },
): Promise<TrainPredictiveResult> {
  try {
    const r = await remote.json<Omit<Extract<TrainPredictiveResult, { trained: true }>, "trained">>(
      "/v1/predictive/train",
      { body },
    );
    return { trained: true, ...r };
  } catch (e) {
    const readiness = notReady(remote, e);
    if (readiness) return { trained: false, readiness };
    throw e;
  }
}

/**
 * GET /v1/predictive/icp in the local shape. The server's segments also carry the id and fit rule
 * to adopt them by (a superset of the local report's).
 */
async function remoteIcp(remote: RemoteClient, population: Population): Promise<IcpView> {
  try {
    const { rules, ...report } = await remote.json<
      Omit<IcpView & { ready: true }, "ready" | "report" | "rules"> & {
        rules: Extract<IcpView, { ready: true }>["rules"];
      } & Record<string, unknown>
    >("/v1/predictive/icp", { query: { population } });
    return { ready: true, report: report as unknown as Extract<IcpView, { ready: true }>["report"], rules };
  } catch (e) {
    const readiness = notReady(remote, e);
    if (readiness) return { ready: false, readiness };
    throw e;
  }
}
