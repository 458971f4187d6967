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
import { REMOTE_ARGS, type RemoteClient, remoteFor } from "../remote/client.ts";

/** Streams the server's CSV to `write`; returns the rows (lines after the header, quoted newlines aside). */
async function remoteExport(
  remote: RemoteClient,
  kind: ExportKind,
  write: (chunk: string) => void | Promise<void>,
): Promise<number> {
  const res = await remote.send(`/v1/export/${kind}`, { query: {} });
  const decoder = new TextDecoder();
  let rows = 0;
  let inQuotes = false;
  for await (const bytes of res.body ?? []) {
    const chunk = decoder.decode(bytes as Uint8Array, { stream: true });
    for (const ch of chunk) {
      if (ch === '"') inQuotes = !inQuotes;
      else if (ch === "\n" && !inQuotes) rows++;
    }
    await write(chunk);
  }
  const rest = decoder.decode();
  if (rest) await write(rest);
  return Math.max(0, rows - 1);
}

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
    ...REMOTE_ARGS,
  },
  async run({ args }) {
    if (!(EXPORT_KINDS as readonly string[]).includes(args.as)) {
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: `--as must be one of ${EXPORT_KINDS.join(", ")}`,
      });
    }
    const kind = args.as as ExportKind;
    const remote = remoteFor(args);
    const storage = remote
      ? null
      : await openStorage(readConfig({ env: io().env, cwd: io().cwd, db: args.db }).database);
    const run = (write: (chunk: string) => void | Promise<void>) =>
      storage ? exportCsv(storage, kind, write) : remoteExport(remote as RemoteClient, kind, write);
    try {
      if (!args.out) {
        const n = await run((chunk) => io().stdout(chunk));
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
      const n = await run((chunk) =>
        file.write(chunk) ? undefined : new Promise<void>((ok) => file.once("drain", () => ok())),
      );
      await new Promise<void>((ok, fail) => file.end((error?: Error | null) => (error ? fail(error) : ok())));
      eprintln(`exported ${n} ${args.as} to ${path}`);
      return EXIT.ok;
    } finally {
      await storage?.close();
    }
  },
}) as unknown as CommandDef;
