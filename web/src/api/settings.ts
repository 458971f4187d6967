import type { Question, QuestionLang } from "../../../src/core/frameworks/questions/types.ts";
import type { Framework } from "../../../src/core/frameworks/types.ts";
import type { IcpProfile } from "../../../src/core/qualification/icp.ts";
import { type Api, ApiError, type ProblemIssue } from "./client.ts";

/** The workspace settings sections the server stores (see docs/api.md, "Settings"). */
export type SettingSection = "icp" | "sla" | "frameworks" | "questions";

export type Setting = {
  readonly section: SettingSection;
  /** 0 when the section was never saved: `value` is then the server's default. */
  readonly version: number;
  readonly stored: boolean;
  readonly value: unknown;
  readonly updatedAt: string | null;
  readonly updatedBy: string | null;
};

export function getSetting(api: Api, section: SettingSection): Promise<Setting> {
  return api.get<Setting>(`/v1/settings/${section}`);
}

/** The background re-judge of stored verdicts an ICP or custom framework save starts. */
export type VerdictJob = {
  readonly id: string;
  readonly section: string;
  readonly settingsVersion: number;
  readonly state: "running" | "done" | "failed";
  readonly processed: number;
  readonly total: number;
  readonly changed: number;
  readonly error: string | null;
};

export function getVerdictJob(api: Api, id: string): Promise<VerdictJob> {
  return api.get<VerdictJob>(`/v1/settings/rejudge/${encodeURIComponent(id)}`);
}

/** Saves a section; throws ApiError 409 when someone saved it since `expectedVersion`, 422 with paths when invalid. */
export function saveSetting(
  api: Api,
  section: SettingSection,
  expectedVersion: number,
  value: unknown,
): Promise<Setting & { readonly warnings: readonly ProblemIssue[]; readonly rejudge?: VerdictJob | null }> {
  return api.put(`/v1/settings/${section}`, { expectedVersion, value });
}

/** What discovery qualifies with: the workspace ICP, its own frameworks and questions. */
export type Playbook = {
  readonly icp: IcpProfile | null;
  readonly frameworks: readonly Framework[];
  readonly questions: readonly (Question & { readonly lang: QuestionLang })[];
};

const EMPTY_PLAYBOOK: Playbook = { icp: null, frameworks: [], questions: [] };

/** The playbook, or an empty one from a server that does not offer it yet. */
export async function getPlaybook(api: Api): Promise<Playbook> {
  try {
    return await api.get<Playbook>("/v1/playbook");
  } catch (e) {
    if (e instanceof ApiError && e.missingRoute) return EMPTY_PLAYBOOK;
    throw e;
  }
}
