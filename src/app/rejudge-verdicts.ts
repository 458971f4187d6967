import type { Framework } from "../core/frameworks/types.ts";
import type { ContactFacts, Scorecard } from "../core/qualification/evidence.ts";
import { parseScorecard } from "../core/qualification/scorecard-schema.ts";
import { qualify, type Verdict } from "../core/qualification/verdict.ts";
import type { Instant } from "../core/records.ts";
import type { Storage } from "../storage/ports.ts";
import {
  countScorecardLeads,
  readVerdictPage,
  type VerdictChangeRow,
  type VerdictJob,
  type VerdictPageRow,
  verdictJobRepository,
  writeVerdictPage,
} from "../storage/verdict-pages.ts";
import { runJob, serialJobQueue } from "./job-queue.ts";
import { frameworkIn, type WorkspaceSettings } from "./workspace-settings.ts";

/** What a verdict depends on among the settings: the ICP and the custom frameworks. */
export type JudgingSettings = Pick<WorkspaceSettings, "icp" | "frameworks">;

export type RejudgeOptions = {
  /** The settings before and after the save. */
  readonly before: JudgingSettings;
  readonly after: JudgingSettings;
  /** Who saved the settings (the new scorecard versions and history entries name them). */
  readonly actor: string;
  /** Why, as the history shows it, e.g. "ICP changed (settings version 3)". */
  readonly reason: string;
  /** The judging instant, also the new versions' created_at. */
  readonly now: Instant;
  /** Leads per page (one read and at most one write each); default 2,000. */
  readonly pageSize?: number;
  readonly onProgress?: (processed: number, changed: number) => void | Promise<void>;
  readonly stopped?: () => boolean;
};

/** Stored verdicts keep the four decisive outcomes; "keep qualifying" is stored as no verdict (as a save does). */
const storedOutcome = (v: Verdict): string | null => (v.outcome === "keep-qualifying" ? null : v.outcome);

function judge(
  row: VerdictPageRow,
  card: Scorecard,
  settings: JudgingSettings,
  now: Instant,
): Verdict | null {
  let framework: Framework;
  try {
    framework = frameworkIn(settings, row.framework);
  } catch {
    return null; // a custom framework that no longer exists: it cannot be judged
  }
  return qualify(card, framework, { now, questions: 0, ...(settings.icp ? { icp: settings.icp } : {}) });
}

/**
 * The verdict change a settings change makes to one lead's latest scorecard, or null. A lead is
 * changed only when its stored outcome differs from the new judgement AND the settings change is
 * the cause (judged at the same instant with the old settings, the outcome differs too): a verdict
 * that only went stale with time is not re-labelled as an ICP change.
 */
export function verdictChange(
  row: VerdictPageRow,
  before: JudgingSettings,
  after: JudgingSettings,
  now: Instant,
): VerdictChangeRow | null {
  const parsed = parseScorecard({ framework: row.framework, evidence: row.evidence });
  if (!parsed.ok) return null; // stored in an older form that no longer validates: left as it is
  const card: Scorecard = {
    ...parsed.value,
    ...(row.account ? { account: row.account } : {}),
    // Stored seniority / buying role come from the same enums the route reads them with.
    contact: row.contact as ContactFacts,
  };
  const next = judge(row, card, after, now);
  if (!next) return null;
  const outcome = storedOutcome(next);
  if (outcome === row.verdictOutcome) return null;
  const previous = judge(row, card, before, now);
  if (previous && storedOutcome(previous) === outcome) return null;
  return {
    leadId: row.leadId,
    version: row.version,
    beforeOutcome: row.verdictOutcome,
    outcome,
    verdict: { outcome: next.outcome, failedLevel: next.failedLevel, explanation: next.explanation },
  };
}

/**
 * Re-judges the latest scorecard of EVERY lead that has one with the new settings, a keyset page at
 * a time (one read, one write per page), and writes each changed verdict as the next scorecard
 * version (same evidence) with an `evidence` history entry (who: the actor, why: the reason).
 */
export async function rejudgeVerdicts(
  storage: Storage,
  o: RejudgeOptions,
): Promise<{ readonly processed: number; readonly changed: number }> {
  const pageSize = o.pageSize ?? 2_000;
  let after = "";
  let processed = 0;
  let changed = 0;
  for (;;) {
    if (o.stopped?.()) throw new Error("The verdict re-judge was stopped (shutdown)");
    const page = await readVerdictPage(storage.sql, after, pageSize);
    if (page.length === 0) break;
    const changes: VerdictChangeRow[] = [];
    for (const row of page) {
      const change = verdictChange(row, o.before, o.after, o.now);
      if (change) changes.push(change);
    }
    changed += await writeVerdictPage(storage.sql, changes, o.actor, o.now, o.reason);
    processed += page.length;
    after = page[page.length - 1]!.leadId;
    await o.onProgress?.(processed, changed);
    if (page.length < pageSize) break;
  }
  return { processed, changed };
}

/**
 * Runs verdict re-judges as jobs in rescore_jobs (kind 'verdicts'), one at a time, recording
 * processed / total / changed after every page — the same mechanism and table as full rescores.
 */
export function verdictJobRunner(storage: Storage, options: { readonly pageSize?: number } = {}) {
  const jobs = verdictJobRepository(storage.sql);
  const queue = serialJobQueue();

  function run(job: VerdictJob, o: Omit<RejudgeOptions, "now" | "actor">): Promise<VerdictJob> {
    return runJob(job, jobs.finish, async () => {
      const result = await rejudgeVerdicts(storage, {
        ...o,
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
        actor: job.createdBy,
        now: job.startedAt,
        stopped: queue.stopped,
        onProgress: (processed, changed) => jobs.progress(job.id, processed, changed),
      });
      await jobs.progress(job.id, result.processed, result.changed);
    });
  }

  return {
    repository: jobs,
    /** Records a job for the save of `section` version `settingsVersion` and runs it after any running one. */
    async start(s: {
      id: string;
      section: string;
      settingsVersion: number;
      by: string;
      now: Instant;
      before: JudgingSettings;
      after: JudgingSettings;
      reason: string;
    }): Promise<{ job: VerdictJob; done: Promise<VerdictJob> }> {
      const total = await countScorecardLeads(storage.sql);
      const job = await jobs.create({
        id: s.id,
        section: s.section,
        settingsVersion: s.settingsVersion,
        total,
        createdBy: s.by,
        startedAt: s.now,
      });
      const done = queue.add(() => run(job, { before: s.before, after: s.after, reason: s.reason }));
      return { job, done };
    },
    stop: queue.stop,
  };
}
export type VerdictJobRunner = ReturnType<typeof verdictJobRunner>;
