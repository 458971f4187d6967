import { type CommandDef, defineCommand } from "citty";
import { POPULATIONS, type Population } from "../../app/predictive/features.ts";
import { icpFromDeals } from "../../app/predictive/icp.ts";
import { adoptIcpIntoDraft, type IcpDraftResult } from "../../app/predictive/icp-draft.ts";
import { trainPredictive } from "../../app/predictive/train.ts";
import { readConfig } from "../../config.ts";
import { WinnowError } from "../../core/errors.ts";
import { learnerNamed } from "../../core/model/learners.ts";
import { openStorage } from "../../storage/open.ts";
import { EXIT } from "../exit-codes.ts";
import { eprintln, io, printJson, println } from "../io.ts";

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
      "Train a predictive model on the database's won and lost leads (or deals), store it as the active model and score the open leads",
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
    const config = readConfig({ env: io().env, cwd: io().cwd, db: args.db });
    const storage = await openStorage(config.database);
    try {
      eprintln("training on the database's closed history…");
      const at = new Date(now).toISOString();
      const result = await trainPredictive(storage, {
        now: at,
        actor: args.actor,
        learner,
        population: args.population as Population,
        seed,
      });
      if (!result.trained) {
        if (args.json) printJson({ trained: false, ...result.readiness });
        else println(result.readiness.reason);
        return EXIT_NOT_ENOUGH_DATA;
      }
      const icp = args.icp
        ? await icpFromDeals(storage, at, { population: args.population as Population })
        : null;
      const adopt = args.adopt?.trim();
      const adopted: IcpDraftResult | null = adopt
        ? await adoptIcpIntoDraft(storage, {
            now: at,
            actor: args.actor,
            population: args.population as Population,
            adopt:
              adopt === "suggested"
                ? "suggested"
                : adopt
                    .split(",")
                    .map((x) => x.trim())
                    .filter(Boolean),
          })
        : null;
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
        `held-out (${m.heldOut.rows} rows): AUC ${m.heldOut.auc}  log loss ${m.heldOut.logloss}  Brier ${m.heldOut.brier}`,
      );
      if (m.heldOut.rows < 50)
        println(`  (only ${m.heldOut.rows} held-out rows: these figures are rough until more deals close)`);
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
      await storage.close();
    }
  },
}) as unknown as CommandDef;
