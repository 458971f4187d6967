import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CopyBinary, type CopyType } from "../src/storage/copy-binary.ts";
import type { Storage } from "../src/storage/ports.ts";
import {
  ACCOUNT_COLUMNS,
  ACCOUNT_TYPES,
  CONTACT_COLUMNS,
  CONTACT_TYPES,
  HISTORY_COLUMNS,
  HISTORY_COLUMNS_BY_DEFAULT,
  HISTORY_TYPES,
  HISTORY_TYPES_BY_DEFAULT,
  LEAD_COLUMNS,
  LEAD_TYPES,
} from "../src/storage/repositories/bulk-columns.ts";
import { ENGINES, freshStorage } from "./helpers/db.ts";

// The leads import's new rows go in COPY's binary format (copy-binary.ts): every value must reach the
// database as its text would have, on both engines, and each column's type must be the table's (a
// migration changing one makes the binary COPY fail; this names the column first).

describe.each(ENGINES)("COPY's binary format on %s", (engine) => {
  let s: Storage;
  beforeAll(async () => {
    s = await freshStorage(engine);
  });
  afterAll(async () => {
    await s?.close();
  });

  it("writes the types the import's four tables have, column by column", async () => {
    const tables: [string, readonly string[], readonly CopyType[]][] = [
      ["accounts", ACCOUNT_COLUMNS, ACCOUNT_TYPES],
      ["contacts", CONTACT_COLUMNS, CONTACT_TYPES],
      ["leads", LEAD_COLUMNS, LEAD_TYPES],
      ["lead_history", HISTORY_COLUMNS, HISTORY_TYPES],
      ["lead_history", HISTORY_COLUMNS_BY_DEFAULT, HISTORY_TYPES_BY_DEFAULT],
    ];
    for (const [table, columns, types] of tables) {
      const r = await s.sql.query<{ column_name: string; data_type: string }>(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
        [table],
      );
      const stored = new Map(r.rows.map((c) => [c.column_name, c.data_type]));
      expect(columns.map((c) => [c, stored.get(c)])).toEqual(columns.map((c, i) => [c, types[i]]));
    }
  });

  it("round-trips text (unicode, escapes, NUL-free controls), nulls, integers, doubles, instants and JSON", async () => {
    const texts = ["", "\\N", "a\tb\nc\rd", "back\\slash", "ünïcødé ✓ 🚀", "x".repeat(70_000), "\\."];
    const instants = [
      "2026-02-01T10:00:00.000Z",
      "2026-02-01T10:00:00Z",
      "1969-12-31T23:59:59.999Z",
      "0001-01-01T00:00:00.000Z",
      "9999-12-31T23:59:59.999Z",
      "2024-02-29T12:00:00+00:00",
      "2026-03-02T09:30:00.123Z",
    ];
    const numbers = [0, -2_147_483_648, 2_147_483_647, 42, 7, 1, -1];
    const doubles = [0, 2_500_000.5, -1e300, 1e-300, 0.1, 123_456_789.123, Number.NaN];
    const json = [
      {},
      { a: "ü", n: [1, 2.5, null] },
      { stage: "new" },
      { "\t": "\\" },
      [],
      { x: true },
      "text",
    ];
    const w = new CopyBinary(64);
    for (let i = 0; i < texts.length; i++) {
      w.row(6);
      w.text(`k${i}`);
      w.text(texts[i] as string);
      w.int4(numbers[i] as number, "n");
      w.float8(doubles[i] as number);
      w.timestamptz(instants[i] as string, "at");
      w.jsonb(JSON.stringify(json[i]));
    }
    w.row(6);
    w.text("null");
    w.text(null);
    w.int4(null, "n");
    w.float8(null);
    w.timestamptz(null, "at");
    w.jsonb(null);
    const bytes = w.take();
    expect(w.take().byteLength).toBe(0);
    await s.transaction(async (tx) => {
      await tx.sql.exec(
        "CREATE TEMP TABLE binary_probe (k text, t text, n integer, d double precision, at timestamptz, j jsonb)",
      );
      await tx.sql.copyFrom?.("binary_probe", ["k", "t", "n", "d", "at", "j"], bytes, "binary");
      const r = await tx.sql.query<Record<string, unknown>>(
        `SELECT k, t, n, d, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, j,
                extract(epoch FROM at)::text AS epoch
           FROM binary_probe ORDER BY k`,
      );
      const byKey = new Map(r.rows.map((x) => [x["k"], x]));
      for (let i = 0; i < texts.length; i++) {
        const ms = Date.parse(instants[i] as string);
        expect(byKey.get(`k${i}`)).toEqual({
          k: `k${i}`,
          t: texts[i],
          n: numbers[i],
          d: Number.isNaN(doubles[i]) ? null : doubles[i],
          at: new Date(ms).toISOString(),
          j: json[i],
          epoch: expect.any(String),
        });
        // Exact to the microsecond, even where microseconds since 2000 pass 2^53 (year 9999).
        const epoch = String(byKey.get(`k${i}`)?.["epoch"]);
        expect(Math.round(Number(epoch) * 1000)).toBe(ms);
      }
      expect(byKey.get("null")).toEqual({
        k: "null",
        t: null,
        n: null,
        d: null,
        at: null,
        j: null,
        epoch: null,
      });
      // The same instant written as COPY's text would have it: equal timestamps.
      const same = await tx.sql.query<{ eq: boolean }>(
        "SELECT bool_and(at = t2::timestamptz) AS eq FROM binary_probe b JOIN (VALUES ('k0', '2026-02-01T10:00:00.000Z'), ('k4', '9999-12-31T23:59:59.999Z')) v(k, t2) USING (k)",
      );
      expect(same.rows[0]?.eq).toBe(true);
      await tx.sql.exec("DROP TABLE binary_probe");
    });
  });

  it("refuses a value its column cannot take, and a writer cleared after it starts again clean", async () => {
    const w = new CopyBinary();
    w.row(2);
    w.text("a");
    expect(() => w.int4(2_147_483_648, "employees")).toThrow(
      "employees: 2147483648 is not a whole number from -2147483648 to 2147483647",
    );
    expect(() => w.int4(1.5, "employees")).toThrow(/employees: 1.5 is not a whole number/);
    expect(() => w.timestamptz("yesterday", "created_at")).toThrow(
      'created_at: "yesterday" is not an instant',
    );
    w.clear();
    w.row(2);
    w.text("b");
    w.int4(3, "employees");
    const bytes = w.take();
    await s.transaction(async (tx) => {
      await tx.sql.exec("CREATE TEMP TABLE binary_clear (k text, n integer)");
      await tx.sql.copyFrom?.("binary_clear", ["k", "n"], bytes, "binary");
      const r = await tx.sql.query("SELECT k, n FROM binary_clear");
      expect(r.rows).toEqual([{ k: "b", n: 3 }]);
      await tx.sql.exec("DROP TABLE binary_clear");
    });
  });

  it("copies outside a transaction too (its own transaction): a failing COPY leaves nothing and the database goes on", async () => {
    await s.sql.exec("CREATE TABLE copy_alone (k text PRIMARY KEY, n integer)");
    try {
      await s.sql.copyFrom?.("copy_alone", ["k", "n"], "a\t1\nb\t2\n");
      const bad = await s.sql.copyFrom?.("copy_alone", ["k", "n"], "c\t3\na\t4\n").then(
        () => null,
        (e: unknown) => e as { code?: string },
      );
      // The duplicate key fails the whole COPY: "c" is not kept either.
      expect(bad?.code).toBe("WINNOW_ERR_DUPLICATE");
      await s.sql.exec("INSERT INTO copy_alone VALUES ('d', 5)");
      const r = await s.sql.query("SELECT k, n FROM copy_alone ORDER BY k");
      expect(r.rows).toEqual([
        { k: "a", n: 1 },
        { k: "b", n: 2 },
        { k: "d", n: 5 },
      ]);
    } finally {
      await s.sql.exec("DROP TABLE copy_alone");
    }
  });
});
