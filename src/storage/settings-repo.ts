import { WinnowError } from "../core/errors.ts";
import type { Instant } from "../core/records.ts";
import { type ApiSql, instant } from "./api-sql.ts";

/** The parts of the workspace configuration edited from the app, each versioned on its own. */
export const SETTINGS_SECTIONS = ["icp", "sla", "frameworks", "questions"] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

/** One stored section: its JSON value (null: not set) and who wrote which version when. */
export type StoredSetting = {
  readonly section: SettingsSection;
  readonly version: number;
  readonly value: unknown;
  readonly updatedAt: Instant;
  readonly updatedBy: string;
};

export type SettingChange = {
  readonly section: SettingsSection;
  readonly version: number;
  readonly value: unknown;
  readonly changedAt: Instant;
  readonly changedBy: string;
  readonly why: string | null;
};

export type SettingWrite = {
  readonly section: SettingsSection;
  /** The version the writer read (0 when the section was never stored). */
  readonly expectedVersion: number;
  readonly value: unknown;
  readonly actor: string;
  readonly at: Instant;
  readonly why: string | null;
};

/** Workspace settings: the current version of each section and the append-only history of writes. */
export interface SettingsRepository {
  all(): Promise<StoredSetting[]>;
  get(section: SettingsSection): Promise<StoredSetting | null>;
  /** Writes a new version; WINNOW_ERR_STALE_WRITE when the section moved on since `expectedVersion`. */
  put(write: SettingWrite): Promise<StoredSetting>;
  history(section: SettingsSection, limit: number): Promise<SettingChange[]>;
}

type Row = {
  section: SettingsSection;
  version: number;
  value: unknown;
  updated_at: Date | string;
  updated_by: string;
};
type HistoryRow = {
  section: SettingsSection;
  version: number;
  value: unknown;
  changed_at: Date | string;
  changed_by: string;
  why: string | null;
};

const COLUMNS = "section, version, value, updated_at, updated_by";

const toSetting = (r: Row): StoredSetting => ({
  section: r.section,
  version: Number(r.version),
  value: r.value,
  updatedAt: instant(r.updated_at),
  updatedBy: r.updated_by,
});

/** Settings in the `workspace_settings` tables (migration 0310), on either engine. */
export function sqlSettingsRepository(sql: ApiSql): SettingsRepository {
  return {
    async all() {
      const { rows } = await sql.query<Row>(`SELECT ${COLUMNS} FROM workspace_settings ORDER BY section`);
      return rows.map(toSetting);
    },
    async get(section) {
      const { rows } = await sql.query<Row>(`SELECT ${COLUMNS} FROM workspace_settings WHERE section = $1`, [
        section,
      ]);
      return rows[0] ? toSetting(rows[0]) : null;
    },
    async put(w) {
      const json = JSON.stringify(w.value ?? null);
      return sql.transaction(async (tx) => {
        const { rows } =
          w.expectedVersion === 0
            ? await tx.query<Row>(
                `INSERT INTO workspace_settings (section, version, value, updated_at, updated_by)
                 VALUES ($1, 1, $2::jsonb, $3, $4) ON CONFLICT (section) DO NOTHING RETURNING ${COLUMNS}`,
                [w.section, json, w.at, w.actor],
              )
            : await tx.query<Row>(
                `UPDATE workspace_settings SET version = version + 1, value = $3::jsonb, updated_at = $4, updated_by = $5
                 WHERE section = $1 AND version = $2 RETURNING ${COLUMNS}`,
                [w.section, w.expectedVersion, json, w.at, w.actor],
              );
        const row = rows[0];
        if (!row) {
          const current = await tx.query<{ version: number }>(
            "SELECT version FROM workspace_settings WHERE section = $1",
            [w.section],
          );
          const version = Number(current.rows[0]?.version ?? 0);
          throw new WinnowError("WINNOW_ERR_STALE_WRITE", {
            message: `Settings "${w.section}" are at version ${version}, not ${w.expectedVersion}: someone saved them since you read them; reload and retry`,
            details: { section: w.section, expectedVersion: w.expectedVersion, currentVersion: version },
          });
        }
        await tx.query(
          `INSERT INTO workspace_settings_history (section, version, value, changed_at, changed_by, why)
           VALUES ($1, $2, $3::jsonb, $4, $5, $6)`,
          [w.section, row.version, json, w.at, w.actor, w.why],
        );
        return toSetting(row);
      });
    },
    async history(section, limit) {
      const { rows } = await sql.query<HistoryRow>(
        `SELECT section, version, value, changed_at, changed_by, why FROM workspace_settings_history
         WHERE section = $1 ORDER BY version DESC LIMIT $2`,
        [section, limit],
      );
      return rows.map((r) => ({
        section: r.section,
        version: Number(r.version),
        value: r.value,
        changedAt: instant(r.changed_at),
        changedBy: r.changed_by,
        why: r.why,
      }));
    },
  };
}
