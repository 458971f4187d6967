import { createReadStream, readFileSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { Readable } from "node:stream";
import { type CommandDef, defineCommand } from "citty";
import cliProgress from "cli-progress";
import {
  IMPORT_TARGETS,
  type ImportReport,
  type ImportTarget,
  importChangesScores,
  importCsv,
  type MappingSpec,
  PRESET_NAMES,
  type PresetName,
  parseMappingSpec,
  READ_IN_WORKER_FROM_BYTES,
} from "../../app/import/index.ts";
import { loadWorkspaceSettings } from "../../app/workspace-settings.ts";
import { readConfig } from "../../config.ts";
import { formatIssues, WinnowError } from "../../core/errors.ts";
import { openStorage } from "../../storage/open.ts";
import { sqlSettingsRepository } from "../../storage/settings-repo.ts";
import { EXIT } from "../exit-codes.ts";
import { eprintln, io, printJson, println } from "../io.ts";
import { REMOTE_ARGS, type RemoteClient, remoteFor } from "../remote/client.ts";
import { rescoreWithProgress } from "./score.ts";

type ImportRun = {
  readonly as: ImportTarget;
  readonly mapping: MappingSpec | undefined;
  readonly dryRun: boolean;
  readonly skipInvalid: boolean;
  readonly rescore: boolean;
};

/** Streams the file to the server's POST /v1/imports; the report (or the refusal) is the server's. */
async function remoteImport(remote: RemoteClient, path: string, run: ImportRun): Promise<ImportReport> {
  const preset = run.mapping && "preset" in run.mapping && Object.keys(run.mapping).length === 1;
  return remote.json<ImportReport>("/v1/imports", {
    query: {
      as: run.as,
      dryRun: String(run.dryRun),
      skipInvalid: String(run.skipInvalid),
      rescore: String(run.rescore),
      ...(run.mapping
        ? preset
          ? { mapping: String((run.mapping as { preset: string }).preset) }
          : { mappingJson: JSON.stringify(run.mapping) }
        : {}),
    },
    body: Readable.toWeb(createReadStream(path)),
    contentType: "text/csv",
  });
}

function pathOf(file: string): string {
  return isAbsolute(file) ? file : resolve(io().cwd, file);
}

function readMapping(value: string | undefined): MappingSpec | undefined {
  if (!value) return undefined;
  if ((PRESET_NAMES as readonly string[]).includes(value)) return { preset: value as PresetName };
  let text: string;
  try {
    text = readFileSync(pathOf(value), "utf8");
  } catch (error) {
    throw new WinnowError("WINNOW_ERR_FILE_NOT_FOUND", {
      message: `Cannot read the mapping file ${value}`,
      cause: error,
    });
  }
  try {
    return parseMappingSpec(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new WinnowError("WINNOW_ERR_INVALID_JSON", {
        message: `The mapping file ${value} is not valid JSON: ${error.message}`,
      });
    }
    throw error;
  }
}

/** A stream cli-progress can draw on, writing through the CLI's io (stderr). */
function stderrTerminal() {
  return {
    isTTY: true,
    columns: 80,
    write: (text: string) => {
      io().stderr(text);
      return true;
    },
    on: () => undefined,
    removeListener: () => undefined,
  };
}

function printReport(r: ImportReport): void {
  const mapped = r.columns.filter((c) => c.field).map((c) => `${c.header} -> ${c.field}`);
  const ignored = r.columns.filter((c) => !c.field).map((c) => c.header);
  println(
    `${r.dryRun ? "Dry run: " : ""}${r.rows} rows of ${r.target} (${r.preset} columns), ${r.valid} valid, ${r.rejected} rejected`,
  );
  println(`  columns: ${mapped.join(", ")}`);
  if (ignored.length > 0) println(`  ignored columns: ${ignored.join(", ")}`);
  for (const [kind, c] of Object.entries(r.counts)) {
    println(
      `  ${kind}: ${c.created} created, ${c.updated} updated${c.skipped ? `, ${c.skipped} already there` : ""}`,
    );
  }
  if (r.merged > 0)
    println(`  ${r.merged} rows merged into an earlier row with the same email, domain or deal id`);
  if (r.issues.length > 0) {
    println(`Rejected rows${r.issuesTruncated ? " (first ones)" : ""}:`);
    println(formatIssues(r.issues));
  }
  println(r.written ? "Imported." : r.dryRun ? "Nothing was written (dry run)." : "Nothing was written.");
}

// citty infers narrow arg types that do not widen to CommandDef; the registry only needs the shape.
export const command = defineCommand({
  meta: {
    name: "import",
    description: "Import a CSV of leads, accounts, contacts, deals or events (all or nothing)",
  },
  args: {
    file: {
      type: "positional",
      required: true,
      description: "CSV file (HubSpot and Salesforce exports are recognised)",
    },
    as: { type: "string", required: true, description: `What the rows are: ${IMPORT_TARGETS.join(" | ")}` },
    mapping: {
      type: "string",
      description: "Column mapping: a JSON file, or a preset name (winnow, hubspot, salesforce)",
    },
    "dry-run": { type: "boolean", description: "Check everything and report, write nothing" },
    "skip-invalid": { type: "boolean", description: "Import the valid rows and report the rejected ones" },
    db: {
      type: "string",
      description: "Database: a folder, memory://, or postgres://... (default: DATABASE_URL, else ./.winnow)",
    },
    json: { type: "boolean", description: "Print the report as JSON" },
    rescore: {
      type: "boolean",
      default: true,
      description:
        "After an import that wrote leads, accounts, contacts or events, rescore every lead with the default scoring model (--no-rescore: leave that to `winnow score rescore`)",
    },
    ...REMOTE_ARGS,
  },
  async run({ args }) {
    if (!(IMPORT_TARGETS as readonly string[]).includes(args.as)) {
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: `--as must be one of ${IMPORT_TARGETS.join(", ")}`,
      });
    }
    const path = pathOf(args.file);
    let size: number;
    try {
      size = statSync(path).size;
    } catch (error) {
      throw new WinnowError("WINNOW_ERR_FILE_NOT_FOUND", {
        message: `Cannot read ${args.file}`,
        cause: error,
      });
    }
    const mapping = readMapping(args.mapping);
    const remote = remoteFor(args);
    const config = remote ? null : readConfig({ env: io().env, cwd: io().cwd, db: args.db });
    const storage = config ? await openStorage(config.database) : null;
    // Imported MQLs get their SLA clock from the policy the server uses: stored settings over WINNOW_LIFECYCLE_FILE.
    const lifecycle =
      storage && config
        ? (await loadWorkspaceSettings(sqlSettingsRepository(storage.sql), config.lifecycle)).lifecycle
        : undefined;
    const bar =
      io().isTty && storage
        ? new cliProgress.SingleBar(
            {
              stream: stderrTerminal() as unknown as NodeJS.WritableStream,
              format: "importing [{bar}] {percentage}% | {rows} rows",
              hideCursor: false,
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
    bar?.start(size, 0, { rows: 0 });
    try {
      const run: ImportRun = {
        as: args.as as ImportTarget,
        mapping,
        dryRun: Boolean(args["dry-run"]),
        skipInvalid: Boolean(args["skip-invalid"]),
        rescore: args.rescore !== false,
      };
      const report = storage
        ? await importCsv(storage, createReadStream(path), {
            as: run.as,
            ...(mapping ? { mapping } : {}),
            dryRun: run.dryRun,
            skipInvalid: run.skipInvalid,
            now: new Date().toISOString(),
            ...(lifecycle ? { lifecycle } : {}),
            actor: io().env["USER"] ? `import:${io().env["USER"]}` : "import",
            onProgress: ({ rows, bytes }) => bar?.update(bytes, { rows }),
            readInWorker: size >= READ_IN_WORKER_FROM_BYTES,
          })
        : await remoteImport(remote as RemoteClient, path, run);
      bar?.update(size);
      bar?.stop();
      // New leads, firmographics and events change scores: the default model rescores every lead
      // (only changed scores are written). Through a server, the server runs that job.
      const remoteJob = (report as { rescore?: { id: string; modelId: string } | null }).rescore ?? null;
      const model =
        storage && args.rescore && importChangesScores(report)
          ? await storage.scoringModels.getDefault()
          : null;
      const local = model && storage ? await rescoreWithProgress(storage, model, "import") : null;
      if (args.json) printJson({ ...report, rescore: local ?? remoteJob });
      else {
        printReport(report);
        if (model && local)
          println(
            `rescored ${local.processed} leads with ${model.name} v${model.version}: ${local.crossings} threshold crossings`,
          );
        else if (remoteJob)
          println(
            `the server is rescoring every lead with ${remoteJob.modelId} (job ${remoteJob.id}; GET /v1/scoring-models/${remoteJob.modelId}/rescore)`,
          );
      }
      return EXIT.ok;
    } catch (error) {
      bar?.stop();
      if (error instanceof WinnowError && error.code === "WINNOW_ERR_IMPORT_INVALID_ROWS" && args.json) {
        printJson({ error: error.code, message: error.message, ...error.details, issues: error.issues });
        return EXIT.invalidInput;
      }
      if (error instanceof WinnowError && error.code === "WINNOW_ERR_IMPORT_INVALID_ROWS")
        eprintln("Nothing was written.");
      throw error;
    } finally {
      await storage?.close();
    }
  },
}) as unknown as CommandDef;
