import { createWriteStream } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { type CommandDef, defineCommand } from "citty";
import { exportCsv } from "../../app/export-csv.ts";
import { readConfig } from "../../config.ts";
import { WinnowError } from "../../core/errors.ts";
import { openStorage } from "../../storage/open.ts";
import { EXPORT_KINDS, type ExportKind } from "../../storage/ports.ts";
import { EXIT } from "../exit-codes.ts";
import { eprintln, io } from "../io.ts";

// citty infers narrow arg types that do not widen to CommandDef; the registry only needs the shape.
export const command = defineCommand({
  meta: {
    name: "export",
    description: "Export records as CSV (cells that a spreadsheet would run as formulas are neutralised)",
  },
  args: {
    as: { type: "string", description: `What to export: ${EXPORT_KINDS.join(" | ")}`, default: "leads" },
    out: { type: "string", description: "Write to this file instead of stdout" },
    db: {
      type: "string",
      description: "Database: a folder, memory://, or postgres://... (default: DATABASE_URL, else ./.winnow)",
    },
  },
  async run({ args }) {
    if (!(EXPORT_KINDS as readonly string[]).includes(args.as)) {
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: `--as must be one of ${EXPORT_KINDS.join(", ")}`,
      });
    }
    const config = readConfig({ env: io().env, cwd: io().cwd, db: args.db });
    const storage = await openStorage(config.database);
    try {
      if (!args.out) {
        const n = await exportCsv(storage, args.as as ExportKind, (chunk) => io().stdout(chunk));
        eprintln(`exported ${n} ${args.as}`);
        return EXIT.ok;
      }
      const path = isAbsolute(args.out) ? args.out : resolve(io().cwd, args.out);
      const file = createWriteStream(path);
      const opened = new Promise<void>((ok, fail) => {
        file.once("open", () => ok());
        file.once("error", fail);
      });
      await opened.catch((error: unknown) => {
        throw new WinnowError("WINNOW_ERR_USAGE", {
          message: `Cannot write ${path}: ${(error as Error).message}`,
          cause: error,
        });
      });
      const n = await exportCsv(storage, args.as as ExportKind, (chunk) =>
        file.write(chunk) ? undefined : new Promise<void>((ok) => file.once("drain", () => ok())),
      );
      await new Promise<void>((ok, fail) => file.end((error?: Error | null) => (error ? fail(error) : ok())));
      eprintln(`exported ${n} ${args.as} to ${path}`);
      return EXIT.ok;
    } finally {
      await storage.close();
    }
  },
}) as unknown as CommandDef;
