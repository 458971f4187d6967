import { type CommandDef, defineCommand } from "citty";
import { readConfig } from "../../config.ts";
import { migrate } from "../../storage/migrate.ts";
import { openDatabase } from "../../storage/open.ts";
import { EXIT } from "../exit-codes.ts";
import { io, printJson, println } from "../io.ts";

// citty infers narrow arg types that do not widen to CommandDef; the registry only needs the shape.
export const command = defineCommand({
  meta: {
    name: "migrate",
    description: "Apply pending database migrations (safe to run twice, and from several processes at once)",
  },
  args: {
    db: {
      type: "string",
      description:
        "Database: a folder for the embedded engine, memory://, or postgres://... (default: DATABASE_URL, else ./.winnow)",
    },
    json: { type: "boolean", description: "Print JSON" },
  },
  async run({ args }) {
    const config = readConfig({ env: io().env, cwd: io().cwd, db: args.db });
    const db = await openDatabase(config.database);
    try {
      const report = await migrate(db);
      const where =
        config.database.engine === "postgres" ? "PostgreSQL" : `PGlite in ${config.database.dataDir}`;
      if (args.json) printJson({ engine: db.engine, ...report });
      else if (report.applied.length === 0)
        println(`Database is up to date (migration ${report.current}, ${where}).`);
      else {
        for (const m of report.applied) println(`applied ${String(m.version).padStart(4, "0")}_${m.name}`);
        println(`Database is at migration ${report.current} (${where}).`);
      }
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
}) as unknown as CommandDef;
