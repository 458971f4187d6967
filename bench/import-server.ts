// node bin/run-ts.js bench/import-server.ts [--rows N] [--variants a,b] [--repeat K] — where the
// PostgreSQL server's CPU goes when a leads import writes its rows (issue 3). Imports N generated
// leads (default 200,000; the shape of bench/import.ts's file) into a scratch database of
// WINNOW_BENCH_DATABASE_URL, takes the rows it wrote (COPY TO, in the order written), then replays
// them per variant into a fresh copy of the migrated schema as the import sends them: per batch of
// 5,000 leads the all-new lookup, then one COPY per table (accounts, contacts, leads, lead_history),
// one transaction, foreign-key triggers off (as bulk mode does). Prints one JSON line per variant run
// with the CPU of the replaying backend (from /proc: Linux, a server on this machine), and the
// lookups' share. Variants: `full`, `no-lookup`, `<table>` (that table alone, its indexes kept),
// `<table>-bare` (alone, no index), `-<index>` (its table alone without that index), `collate-c`
// (every key column of the four tables `COLLATE "C"`), `rebuild` (the PGlite rebuild list dropped
// at the start and recreated before the commit, serial), `no-checks` (the four tables' CHECKs
// dropped), `email-check-ascii` (the email check without lower() for ASCII emails), `binary` (the
// COPYs in COPY's binary format), `leads-by-created` (a batch's leads and history in created_at
// order, ids given out in that order). Default: every one but the last four.
// Any variant may add index storage parameters after a slash, set before the replay:
// `full/deduplicate_items=off@leads_owner+lead_history_stage_at` (several: `/a=b@x/c=d@y`).
// `--source NAME` keeps the imported rows in database NAME on that server and reuses them on the next
// run (the import of 1M rows takes a minute); `--sizes` adds each index's size after the replay,
// `--digest` an md5 of each replayed table's rows (a variant that sends them otherwise, `binary`,
// must store the same rows).

import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { importCsv } from "../src/app/import/index.ts";
import type { CopyType } from "../src/storage/copy-binary.ts";
import { openStorage } from "../src/storage/open.ts";
import {
  ACCOUNT_COLUMNS,
  ACCOUNT_TYPES,
  CONTACT_COLUMNS,
  CONTACT_TYPES,
  HISTORY_COLUMNS,
  HISTORY_TYPES,
  LEAD_COLUMNS,
  LEAD_TYPES,
} from "../src/storage/repositories/bulk-columns.ts";
import { scratchPostgres } from "./engines.ts";
import { benchLeadLines } from "./import-rows.ts";
import { cpuMs } from "./proc-cpu.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "200000" },
    variants: { type: "string" },
    repeat: { type: "string", default: "1" },
    source: { type: "string" },
    sizes: { type: "boolean", default: false },
    digest: { type: "boolean", default: false },
  },
});
const ROWS = Number(values.rows);
const BATCH = 5000;
const url = process.env["WINNOW_BENCH_DATABASE_URL"] ?? process.env["DATABASE_URL"];
if (!url) throw new Error("set WINNOW_BENCH_DATABASE_URL (a PostgreSQL server on this machine)");

// The columns of each table's COPY, in the order the import writes them (bulk-columns.ts).
const TABLES = {
  accounts: ACCOUNT_COLUMNS.join(", "),
  contacts: CONTACT_COLUMNS.join(", "),
  leads: LEAD_COLUMNS.join(", "),
  lead_history: HISTORY_COLUMNS.join(", "),
};
type Table = keyof typeof TABLES;
// Each COPY column's type, for the `binary` variant (COPY's binary format: no text to split, unescape
// and parse; timestamps as 64-bit microseconds): the import's own (bulk-columns.ts).
const KINDS: Record<Table, readonly CopyType[]> = {
  accounts: ACCOUNT_TYPES,
  contacts: CONTACT_TYPES,
  leads: LEAD_TYPES,
  lead_history: HISTORY_TYPES,
};
const EPOCH_2000_MS = Date.UTC(2000, 0, 1);
const BINARY_HEADER = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);

/** COPY text lines (as COPY TO wrote them: ISO dates in UTC, no escapes but \N) as one binary COPY. */
function binaryCopy(t: Table, lines: readonly string[]): Buffer {
  const parts: Buffer[] = [BINARY_HEADER];
  for (const line of lines) {
    const cells = line.split("\t");
    const row = Buffer.alloc(2);
    row.writeInt16BE(cells.length);
    parts.push(row);
    cells.forEach((cell, i) => {
      const len = Buffer.alloc(4);
      parts.push(len);
      if (cell === "\\N") {
        len.writeInt32BE(-1);
        return;
      }
      if (cell.includes("\\")) throw new Error(`an escaped cell: ${cell}`);
      let value: Buffer;
      switch (KINDS[t][i]) {
        case "integer":
          value = Buffer.alloc(4);
          value.writeInt32BE(Number(cell));
          break;
        case "double precision":
          value = Buffer.alloc(8);
          value.writeDoubleBE(Number(cell));
          break;
        case "timestamp with time zone": {
          const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/.exec(cell);
          if (!m) throw new Error(`not a UTC timestamp: ${cell}`);
          const ms = Date.parse(`${m[1]}T${m[2]}Z`) - EPOCH_2000_MS;
          value = Buffer.alloc(8);
          value.writeBigInt64BE(BigInt(ms) * 1000n + BigInt((m[3] ?? "").padEnd(6, "0")));
          break;
        }
        case "jsonb":
          value = Buffer.concat([Buffer.from([1]), Buffer.from(cell)]);
          break;
        default:
          value = Buffer.from(cell);
      }
      len.writeInt32BE(value.length);
      parts.push(value);
    });
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}
const INDEXES: Record<Table, string[]> = {
  accounts: ["accounts_pkey", "accounts_domain_key"],
  contacts: ["contacts_pkey", "contacts_email_key", "contacts_account"],
  leads: ["leads_pkey", "leads_contact", "leads_account", "leads_owner", "leads_created", "leads_sla_due"],
  lead_history: ["lead_history_pkey", "lead_history_lead", "lead_history_stage_at"],
};
const REBUILT = [
  "contacts_account",
  "leads_account",
  "leads_owner",
  "leads_created",
  "leads_sla_due",
  "lead_history_lead",
  "lead_history_stage_at",
];
const COLLATE_C: Record<Table, string[]> = {
  accounts: ["id", "domain"],
  contacts: ["id", "email", "account_id"],
  leads: ["id", "contact_id", "account_id", "owner_id", "stage"],
  lead_history: ["lead_id", "kind"],
};
const ALL = Object.keys(TABLES) as Table[];
const CHECKS = [
  ["accounts", "accounts_domain_check"],
  ["accounts", "accounts_employees_check"],
  ["accounts", "accounts_annual_revenue_check"],
  ["contacts", "contacts_email_check"],
  ["contacts", "contacts_seniority_check"],
  ["contacts", "contacts_buying_role_check"],
  ["contacts", "contacts_email_status_check"],
  ["leads", "leads_entry_path_check"],
  ["leads", "leads_stage_check"],
  ["lead_history", "lead_history_kind_check"],
] as const;

type Variant = {
  tables: Table[];
  drop: string[];
  lookup: boolean;
  setup?: string;
  rebuild?: string[];
  binary?: boolean;
  byCreated?: boolean;
};
function variant(name: string): Variant {
  const [base, ...opts] = name.split("/");
  if (opts.length > 0) {
    const v = variant(base as string);
    const known = new Set(Object.values(INDEXES).flat());
    const set = opts.map((o) => {
      const m = /^([a-z_]+)=([a-z0-9]+)@([a-z_+]+)$/.exec(o);
      const idx = m?.[3]?.split("+") ?? [];
      if (!m || idx.some((i) => !known.has(i))) throw new Error(`bad storage parameter ${o}`);
      // Names and values matched above (lower-case words and digits, known indexes), never free text.
      return idx.map((i) => `ALTER INDEX ${i} SET (${m[1]} = ${m[2]})`).join("; ");
    });
    return { ...v, setup: [v.setup, ...set].filter(Boolean).join("; ") };
  }
  if (name === "full") return { tables: ALL, drop: [], lookup: true };
  if (name === "binary") return { tables: ALL, drop: [], lookup: true, binary: true };
  if (name === "leads-by-created") return { tables: ALL, drop: [], lookup: true, byCreated: true };
  if (name === "no-checks")
    return {
      tables: ALL,
      drop: [],
      lookup: true,
      setup: CHECKS.map(([t, c]) => `ALTER TABLE ${t} DROP CONSTRAINT ${c}`).join("; "),
    };
  // The email check without lower()'s wide-character round trip when the email is ASCII (the same
  // rows pass: an ASCII string equals its lower() in any locale iff it has no A-Z).
  if (name === "email-check-ascii")
    return {
      tables: ALL,
      drop: [],
      lookup: true,
      setup: `ALTER TABLE contacts DROP CONSTRAINT contacts_email_check, ADD CONSTRAINT contacts_email_check
        CHECK (email IS NULL OR CASE WHEN octet_length(email) = length(email)
          THEN email = lower(email COLLATE "C") ELSE email = lower(email) END)`,
    };
  if (name === "no-lookup") return { tables: ALL, drop: [], lookup: false };
  if (name === "rebuild") return { tables: ALL, drop: [], lookup: true, rebuild: REBUILT };
  if (name === "collate-c")
    return {
      tables: ALL,
      drop: [],
      lookup: true,
      setup: ALL.map(
        (t) =>
          `ALTER TABLE ${t} ${COLLATE_C[t].map((c) => `ALTER COLUMN ${c} TYPE text COLLATE "C"`).join(", ")}`,
      ).join("; "),
    };
  const bare = name.endsWith("-bare");
  const table = (bare ? name.slice(0, -5) : name) as Table;
  if (TABLES[table]) return { tables: [table], drop: bare ? INDEXES[table] : [], lookup: false };
  const index = name.slice(1);
  const owner = ALL.find((t) => INDEXES[t].includes(index));
  if (name.startsWith("-") && owner) return { tables: [owner], drop: [index], lookup: false };
  throw new Error(`unknown variant ${name}`);
}
const names =
  values.variants?.split(",") ??
  ["full", "no-lookup", "collate-c", "rebuild", ...ALL.flatMap((t) => [t, `${t}-bare`])].concat(
    ALL.flatMap((t) => INDEXES[t].map((i) => `-${i}`)),
  );
const plan = names.map((n) => ({ name: n, ...variant(n) }));

const admin = new pg.Client({ connectionString: url });
await admin.connect();
const dbUrl = (name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

// The migrated schema, kept as the template of every replay; the rows an import writes into a copy.
const template = await scratchPostgres(url);
const templateName = new URL(template.url).pathname.slice(1);
try {
  const schema = await openStorage({ engine: "postgres", url: template.url });
  await schema.close();
  const keep = values.source;
  if (keep !== undefined && !/^[a-z0-9_]+$/.test(keep)) throw new Error("--source: a lower-case name");
  const source = keep ?? `${templateName}_src`;
  const reuse =
    keep !== undefined &&
    (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [keep])).rows.length > 0;
  if (!reuse) await admin.query(`CREATE DATABASE ${source} TEMPLATE ${templateName}`);
  const rows: Record<Table, string[]> = { accounts: [], contacts: [], leads: [], lead_history: [] };
  try {
    if (!reuse) {
      const storage = await openStorage({ engine: "postgres", url: dbUrl(source) });
      await importCsv(storage, Readable.from(benchLeadLines(ROWS)), {
        as: "leads",
        now: "2026-03-01T00:00:00.000Z",
        actor: "bench",
        batchSize: BATCH,
      });
      await storage.close();
    }
    const c = new pg.Client({ connectionString: dbUrl(source) });
    await c.connect();
    for (const t of ALL) {
      // Physical order is the order written: batch by batch, each in key order.
      const chunks: Buffer[] = [];
      const out = c.query(copyTo(`COPY (SELECT ${TABLES[t]} FROM ${t}) TO STDOUT`));
      for await (const chunk of out) chunks.push(chunk as Buffer);
      rows[t] = Buffer.concat(chunks).toString("utf8").split("\n").slice(0, -1);
    }
    await c.end();
    if (rows.leads.length !== ROWS)
      throw new Error(`${source} holds ${rows.leads.length} leads, not ${ROWS}`);
  } finally {
    if (keep === undefined) await admin.query(`DROP DATABASE IF EXISTS ${source} WITH (FORCE)`);
  }
  const perBatch = (t: Table) => Math.ceil(rows[t].length / Math.ceil(ROWS / BATCH));
  // `leads-by-created`: a batch's leads (and their history entries, written in the same order) in
  // created_at order, the batch's ids given out again in that order, so they still increase row
  // after row (as a writer that sorted the leads before making their ids would send them).
  const byCreated = (t: Table, plain: (t: Table) => string[]): string[] => {
    if (t !== "leads" && t !== "lead_history") return plain(t);
    const leads = plain("leads").map((l) => l.split("\t"));
    const history = plain("lead_history").map((l) => l.split("\t"));
    if (history.length !== leads.length) throw new Error("a batch's history is not one entry per lead");
    const ids = leads.map((c) => c[0] as string).sort();
    const order = leads
      .map((_, i) => i)
      .sort((x, y) => {
        const a = leads[x]?.[9] as string;
        const c = leads[y]?.[9] as string;
        return a < c ? -1 : a > c ? 1 : x - y;
      });
    return order.map((i, k) => {
      const cells = (t === "leads" ? leads : history)[i] as string[];
      if (history[i]?.[0] !== leads[i]?.[0]) throw new Error("history out of step with its leads");
      return [ids[k], ...cells.slice(1)].join("\t");
    });
  };

  for (let k = 0; k < Number(values.repeat); k++)
    for (const v of plan) {
      const name = `${templateName}_run`;
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateName}`);
      const c = new pg.Client({ connectionString: dbUrl(name) });
      await c.connect();
      try {
        for (const index of v.drop) {
          const con = await c.query<{ t: string }>(
            "SELECT conrelid::regclass::text AS t FROM pg_constraint WHERE conname = $1",
            [index],
          );
          // Names from INDEXES (a closed list), never input.
          if (con.rows[0]) await c.query(`ALTER TABLE ${con.rows[0].t} DROP CONSTRAINT ${index} CASCADE`);
          else await c.query(`DROP INDEX ${index}`);
        }
        if (v.setup) await c.query(v.setup);
        await c.query("CHECKPOINT");
        const pid = (await c.query<{ p: number }>("SELECT pg_backend_pid() AS p")).rows[0]?.p as number;
        const start = cpuMs(pid);
        const wall = Date.now();
        let lookupMs = 0;
        await c.query("BEGIN");
        await c.query("SET LOCAL session_replication_role = replica");
        // A serial rebuild, as on PGlite: no parallel workers (their CPU would not be counted).
        await c.query("SET LOCAL max_parallel_maintenance_workers = 0");
        const defs: string[] = [];
        for (const index of v.rebuild ?? []) {
          const d = await c.query<{ def: string }>(
            "SELECT indexdef AS def FROM pg_indexes WHERE indexname = $1",
            [index],
          );
          defs.push(d.rows[0]?.def as string);
          await c.query(`DROP INDEX ${index}`);
        }
        for (let b = 0; b * BATCH < ROWS; b++) {
          const plain = (t: Table) => rows[t].slice(b * perBatch(t), (b + 1) * perBatch(t));
          const batch = v.byCreated ? (t: Table) => byCreated(t, plain) : plain;
          if (v.lookup) {
            const before = cpuMs(pid);
            await c.query(
              `(SELECT 1 AS stored FROM unnest($1::text[]) AS k(domain)
                 CROSS JOIN LATERAL (SELECT 1 FROM accounts WHERE domain = k.domain LIMIT 1) a)
               UNION ALL
               (SELECT 1 FROM unnest($2::text[]) AS k(email)
                 CROSS JOIN LATERAL (SELECT 1 FROM contacts WHERE email = k.email LIMIT 1) c) LIMIT 1`,
              [
                batch("accounts").map((l) => l.split("\t")[2]),
                batch("contacts").map((l) => l.split("\t")[1]),
              ],
            );
            lookupMs += cpuMs(pid) - before;
          }
          for (const t of v.tables) {
            const lines = batch(t);
            if (lines.length === 0) continue;
            const stream = c.query(
              copyFrom(`COPY ${t} (${TABLES[t]}) FROM STDIN${v.binary ? " (FORMAT binary)" : ""}`),
            );
            const bytes = v.binary ? binaryCopy(t, lines) : Buffer.from(`${lines.join("\n")}\n`);
            await pipeline(Readable.from([bytes]), stream);
          }
        }
        const loaded = cpuMs(pid);
        for (const d of defs) await c.query(d);
        await c.query("COMMIT");
        const end = cpuMs(pid);
        const wallS = (Date.now() - wall) / 1000;
        // What was stored, to hold variants that send the rows otherwise (binary) to the same rows.
        let digest: Record<string, string | undefined> | undefined;
        if (values.digest) {
          digest = {};
          for (const t of v.tables) {
            const d = await c.query<{ h: string }>(
              `SELECT md5(string_agg(x::text, E'\\n' ORDER BY x::text)) AS h FROM (SELECT ${TABLES[t]} FROM ${t}) x`,
            );
            digest[t] = d.rows[0]?.h;
          }
        }
        const sizes = values.sizes
          ? Object.fromEntries(
              (
                await c.query<{ i: string; kb: number }>(
                  `SELECT c.relname AS i, pg_relation_size(c.oid) / 1024 AS kb FROM pg_class c
                   WHERE c.relname = ANY($1) ORDER BY 1`,
                  [v.tables.flatMap((t) => INDEXES[t])],
                )
              ).rows.map((r) => [r.i, Number(r.kb)]),
            )
          : undefined;
        console.log(
          JSON.stringify({
            bench: "import-server",
            variant: v.name,
            rows: ROWS,
            server_cpu_s: (end - start) / 1000,
            lookup_cpu_s: lookupMs / 1000,
            ...(defs.length > 0 ? { rebuild_cpu_s: (end - loaded) / 1000 } : {}),
            wall_s: wallS,
            ...(sizes ? { index_kb: sizes } : {}),
            ...(digest ? { digest } : {}),
          }),
        );
      } finally {
        await c.end();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    }
} finally {
  await admin.end();
  await template.drop();
}
