import { z } from "zod";
import type { Issue } from "../core/errors.ts";
import { defineFramework } from "../core/frameworks/define-framework.ts";
import { checkQuestionLibrary } from "../core/frameworks/questions/check-library.ts";
import type { Question, QuestionLang } from "../core/frameworks/questions/types.ts";
import type { Framework } from "../core/frameworks/types.ts";
import { type LifecycleConfig, parseLifecycleConfig } from "../core/lifecycle/config.ts";
import { type IcpProfile, parseIcpProfile } from "../core/qualification/icp.ts";
import { resolveFramework } from "../core/qualification/verdict.ts";
import { issuesFromZod } from "../core/qualification/zod-issues.ts";
import { err, ok, type Result } from "../core/result.ts";
import type { SettingsRepository, SettingsSection } from "../storage/settings-repo.ts";

/** A section value that passed validation, in the form it is stored, and advice that does not block saving. */
export type CheckedSection = { readonly value: unknown; readonly warnings: readonly Issue[] };

/** The SLA section: the calendar the clocks run on and the SLA rules (a lifecycle file's `calendar` + `sla`). */
export type SlaSetting = Pick<LifecycleConfig, "calendar" | "sla">;

export const MAX_CUSTOM_FRAMEWORKS = 20;
export const MAX_CUSTOM_QUESTIONS = 500;

const prefixed = (prefix: string, issues: readonly Issue[]): Issue[] =>
  issues.map((i) => ({ ...i, path: i.path ? `${prefix}.${i.path}` : prefix }));

const slaShape = z.strictObject({ calendar: z.unknown().optional(), sla: z.unknown().optional() });

function checkSla(value: unknown): Result<CheckedSection, Issue[]> {
  const shape = slaShape.safeParse(value);
  if (!shape.success) return err(issuesFromZod(shape.error));
  const parsed = parseLifecycleConfig({ calendar: shape.data.calendar, sla: shape.data.sla });
  if (!parsed.ok) return err(parsed.error);
  const { calendar, sla } = parsed.value;
  return ok({ value: { calendar, sla } satisfies SlaSetting, warnings: [] });
}

function checkFrameworks(value: unknown): Result<CheckedSection, Issue[]> {
  if (!Array.isArray(value)) return err([{ path: "", message: "a list of frameworks" }]);
  if (value.length > MAX_CUSTOM_FRAMEWORKS)
    return err([{ path: "", message: `at most ${MAX_CUSTOM_FRAMEWORKS} custom frameworks` }]);
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  value.forEach((input, index) => {
    const r = defineFramework(input);
    if (!r.ok) {
      issues.push(...prefixed(String(index), r.error));
      return;
    }
    const first = seen.get(r.value.id);
    if (first !== undefined)
      issues.push({ path: `${index}.id`, message: `"${r.value.id}" is also the id of framework ${first}` });
    else seen.set(r.value.id, index);
  });
  return issues.length > 0 ? err(issues) : ok({ value, warnings: [] });
}

function checkQuestions(value: unknown): Result<CheckedSection, Issue[]> {
  if (Array.isArray(value) && value.length > MAX_CUSTOM_QUESTIONS)
    return err([{ path: "", message: `at most ${MAX_CUSTOM_QUESTIONS} custom questions` }]);
  const r = checkQuestionLibrary(value);
  if (!r.ok) return err(r.error);
  // Two questions with one id cannot both be asked; phrasing advice (closed, leading) is the team's call.
  const blocking = r.value.findings.filter((f) => f.kind === "duplicate-id" || f.kind === "empty");
  if (blocking.length > 0) return err(blocking.map((f) => ({ path: f.path, message: f.message })));
  const warnings = r.value.findings.map((f) => ({
    path: f.path,
    message: f.suggestion ? `${f.message} (try: "${f.suggestion}")` : f.message,
  }));
  return ok({ value, warnings });
}

/**
 * Validates one settings section with the core's own schemas (ICP profile, lifecycle calendar and
 * SLA, framework definition, question library). `null` clears a section (the server defaults apply).
 * Issue paths are relative to the value (`calendar.timeZone`, `0.criteria.1.elements.0`).
 *
 * @example
 * checkSection("sla", { calendar: { timeZone: "Mars/Base" } }); // err([{ path: "calendar.timeZone", ... }])
 */
export function checkSection(section: SettingsSection, value: unknown): Result<CheckedSection, Issue[]> {
  if (value === null) return ok({ value: null, warnings: [] });
  switch (section) {
    case "icp": {
      const r = parseIcpProfile(value);
      return r.ok ? ok({ value: r.value, warnings: [] }) : err(r.error);
    }
    case "sla":
      return checkSla(value);
    case "frameworks":
      return checkFrameworks(value);
    case "questions":
      return checkQuestions(value);
  }
}

/** What the running server qualifies and times leads with: stored settings over the server's defaults. */
export type WorkspaceSettings = {
  readonly icp: IcpProfile | null;
  readonly lifecycle: LifecycleConfig;
  readonly frameworks: readonly Framework[];
  /** The team's own questions, each in its language; asked before the shipped ones. */
  readonly questions: readonly (Question & { readonly lang: QuestionLang })[];
};

type SectionValue =
  | { readonly section: "icp"; readonly value: IcpProfile }
  | { readonly section: "sla"; readonly value: SlaSetting }
  | { readonly section: "frameworks"; readonly value: readonly Framework[] }
  | { readonly section: "questions"; readonly value: WorkspaceSettings["questions"] };

/**
 * The last parse of each section, by its stored JSON: reading settings on every request must not
 * re-validate 500 questions each time (about 20 ms at the size limits), and the JSON (not the version)
 * is the key, so two databases with the same version number never share an answer.
 */
const parsedCache = new Map<
  SettingsSection,
  { readonly json: string; readonly parsed: SectionValue | null }
>();

function parseStored(section: SettingsSection, value: unknown): SectionValue | null {
  const json = JSON.stringify(value);
  const hit = parsedCache.get(section);
  if (hit && hit.json === json) return hit.parsed;
  let parsed: SectionValue | null = null;
  // Values were validated when written; one that no longer validates (an older format) is ignored
  // rather than breaking every request.
  if (checkSection(section, value).ok) {
    if (section === "icp") parsed = { section, value: value as IcpProfile };
    else if (section === "sla") parsed = { section, value: value as SlaSetting };
    else if (section === "frameworks")
      parsed = {
        section,
        value: (value as unknown[]).flatMap((f) => {
          const r = defineFramework(f);
          return r.ok ? [r.value] : [];
        }),
      };
    else {
      const r = checkQuestionLibrary(value);
      parsed = { section, value: r.ok ? r.value.questions : [] };
    }
  }
  parsedCache.set(section, { json, parsed });
  return parsed;
}

/**
 * Reads the stored sections and lays them over `base` (the server's lifecycle: WINNOW_LIFECYCLE_FILE
 * or the built-in defaults). A section that is not stored, or stored as null, keeps the default.
 */
export async function loadWorkspaceSettings(
  repo: SettingsRepository,
  base: LifecycleConfig,
): Promise<WorkspaceSettings> {
  let icp: IcpProfile | null = null;
  let lifecycle = base;
  let frameworks: readonly Framework[] = [];
  let questions: WorkspaceSettings["questions"] = [];
  for (const stored of await repo.all()) {
    const parsed = stored.value === null ? null : parseStored(stored.section, stored.value);
    if (parsed?.section === "icp") icp = parsed.value;
    else if (parsed?.section === "sla") lifecycle = { ...base, ...parsed.value };
    else if (parsed?.section === "frameworks") frameworks = parsed.value;
    else if (parsed?.section === "questions") questions = parsed.value;
  }
  return { icp, lifecycle, frameworks, questions };
}

/**
 * A framework by id: the workspace's own first, then the built-in ones (WINNOW_ERR_FRAMEWORK_NOT_FOUND).
 *
 * @example
 * frameworkIn(settings, "lite").custom; // true when the workspace defined "lite"
 */
export function frameworkIn(settings: Pick<WorkspaceSettings, "frameworks">, id: string): Framework {
  return settings.frameworks.find((f) => f.id === id.toLowerCase()) ?? resolveFramework(id);
}

/** The SLA section as the server applies it (the value shown when nothing is stored). */
export function slaSettingOf(lifecycle: LifecycleConfig): SlaSetting {
  return { calendar: lifecycle.calendar, sla: lifecycle.sla };
}
