import { type ReactNode, useEffect, useMemo, useState } from "react";
import type { ProblemIssue } from "../api/client.ts";
import { useApi } from "../api/context.ts";
import {
  getSetting,
  getVerdictJob,
  type Setting,
  type SettingSection,
  saveSetting,
  type VerdictJob,
} from "../api/settings.ts";
import { ErrorNotice, Loading } from "../components/notice.tsx";
import { useAsync } from "../components/use-async.ts";

/** A form's reading of its fields: the value to save, or the problems (paths as the server names them). */
export type Parsed = { readonly value: unknown; readonly issues: readonly ProblemIssue[] };

export type SectionForm<F> = {
  readonly section: SettingSection;
  /** The form's fields from a stored (or default) value. */
  readonly fromValue: (value: unknown) => F;
  /** The value to save, validated with the same core schema the server uses. */
  readonly parse: (form: F) => Parsed;
};

/**
 * One settings section being edited: the stored version, the form, its problems as you type,
 * and save (naming the version read, so a concurrent save is refused) / discard.
 */
export function useSectionEditor<F>(spec: SectionForm<F>, onSaved?: () => void) {
  const { api } = useApi();
  const loaded = useAsync(() => getSetting(api, spec.section), [api, spec.section]);
  const [base, setBase] = useState<Setting | null>(null);
  const [form, setForm] = useState<F | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<{
    version: number;
    warnings: readonly ProblemIssue[];
    rejudge: string | null;
  } | null>(null);

  useEffect(() => {
    if (loaded.state.status === "ok") {
      setBase(loaded.state.data);
      setForm(spec.fromValue(loaded.state.data.value));
    }
  }, [loaded.state, spec]);

  const parsed = useMemo(() => (form === null ? null : spec.parse(form)), [form, spec]);
  const initial = useMemo(() => (base ? JSON.stringify(spec.fromValue(base.value)) : ""), [base, spec]);
  const dirty = form !== null && JSON.stringify(form) !== initial;

  async function save() {
    if (!base || !parsed || parsed.issues.length > 0) return;
    setError(null);
    setSaving(true);
    try {
      const out = await saveSetting(api, spec.section, base.version, parsed.value);
      setBase(out);
      setForm(spec.fromValue(out.value));
      setSaved({ version: out.version, warnings: out.warnings, rejudge: out.rejudge?.id ?? null });
      onSaved?.();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  }

  return {
    loaded,
    base,
    form,
    parsed,
    dirty,
    error,
    saving,
    saved,
    edit(next: F) {
      setSaved(null);
      setForm(next);
    },
    discard() {
      setError(null);
      setSaved(null);
      if (base) setForm(spec.fromValue(base.value));
    },
    reload() {
      setError(null);
      setSaved(null);
      loaded.reload();
    },
    save,
  };
}

export type SectionEditor<F> = ReturnType<typeof useSectionEditor<F>>;

/** The problem for one field (by path prefix), for `aria-invalid` and the message under it. */
export function issueAt(parsed: Parsed | null, path: string): string | undefined {
  return parsed?.issues.find((i) => i.path === path || i.path.startsWith(`${path}.`))?.message;
}

/** A field's error line, referenced by the input's aria-describedby. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <span id={id} className="field-error">
      {message}
    </span>
  ) : null;
}

/** Who saved the section last, the problems left, Save and Discard. */
export function SectionFooter<F>({ editor, what }: { editor: SectionEditor<F>; what: string }) {
  const { base, parsed, dirty, error, saving, saved } = editor;
  if (!base) {
    return editor.loaded.state.status === "error" ? (
      <ErrorNotice error={editor.loaded.state.error} onRetry={editor.reload} />
    ) : (
      <Loading what={what} />
    );
  }
  const issues = parsed?.issues ?? [];
  return (
    <div className="section-footer">
      <p className="muted">
        {base.stored
          ? `Version ${base.version}, saved by ${base.updatedBy} on ${base.updatedAt?.slice(0, 16).replace("T", " ")} UTC.`
          : "Not saved yet: the server's defaults apply."}
      </p>
      {issues.length > 0 ? (
        <div className="notice notice-error" role="alert">
          <strong>Fix before saving:</strong>
          <ul>
            {issues.map((i) => (
              <li key={`${i.path}:${i.message}`}>
                {i.path ? <code>{i.path}</code> : null} {i.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {saved ? (
        <div className="notice notice-ok" role="status">
          Saved as version {saved.version}; it applies from the next request.
          {saved.warnings.length > 0 ? (
            <ul>
              {saved.warnings.map((w) => (
                <li key={`${w.path}:${w.message}`}>
                  <code>{w.path}</code> {w.message}
                </li>
              ))}
            </ul>
          ) : null}
          {saved.rejudge ? <RejudgeProgress id={saved.rejudge} /> : null}
        </div>
      ) : null}
      {error ? <ErrorNotice error={error} onRetry={editor.reload} /> : null}
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={!dirty || issues.length > 0 || saving}
          onClick={() => void editor.save()}
        >
          Save {what}
        </button>
        <button type="button" disabled={!dirty || saving} onClick={editor.discard}>
          Discard changes
        </button>
        {dirty ? <span className="muted">Unsaved changes</span> : null}
      </div>
    </div>
  );
}

/** A labelled text-like input with its error, wired for screen readers. */
export function Field({
  id,
  label,
  error,
  children,
}: {
  id: string;
  label: string;
  error: string | undefined;
  children: (props: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode;
}) {
  const errorId = `${id}-error`;
  return (
    <label htmlFor={id}>
      {label}
      {children({
        id,
        "aria-invalid": error !== undefined,
        ...(error ? { "aria-describedby": errorId } : {}),
      })}
      <FieldError id={errorId} message={error} />
    </label>
  );
}

/** How far the re-judge of stored verdicts after this save got (polled until it ends). */
function RejudgeProgress({ id }: { id: string }) {
  const { api } = useApi();
  const [job, setJob] = useState<VerdictJob | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await getVerdictJob(api, id);
        if (!live) return;
        setJob(next);
        if (next.state === "running") timer = setTimeout(poll, 500);
      } catch {
        if (live) setFailed(true);
      }
    };
    void poll();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [api, id]);
  if (failed) return <p>Could not read the re-judge of stored verdicts.</p>;
  if (!job || job.state === "running")
    return (
      <p>
        Re-judging the leads' stored verdicts with it: {job ? `${job.processed} of ${job.total}` : "starting"}
        …
      </p>
    );
  if (job.state === "failed") return <p>The re-judge of stored verdicts stopped: {job.error}</p>;
  return (
    <p>
      Stored verdicts re-judged: {job.changed} of {job.total} leads with a scorecard changed (see each lead's
      history).
    </p>
  );
}
