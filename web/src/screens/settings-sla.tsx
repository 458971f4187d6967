import { parseLifecycleConfig } from "../../../src/core/lifecycle/config.ts";
import {
  Field,
  issueAt,
  type Parsed,
  SectionFooter,
  type SectionForm,
  useSectionEditor,
} from "./settings-section.tsx";

type SlaForm = {
  timeZone: string;
  workdays: number[];
  start: string;
  end: string;
  holidays: string;
  acceptWithin: string;
  attempts: string;
  overDays: string;
};

type SlaValue = {
  calendar: { timeZone: string; workdays: number[]; start: string; end: string; holidays: string[] };
  sla: { acceptWithinWorkingHours: number | null; unreachable: { attempts: number; overDays: number } };
};

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

const number = (text: string, path: string, issues: { path: string; message: string }[]): number => {
  const n = Number(text.trim());
  if (text.trim() === "" || !Number.isFinite(n)) issues.push({ path, message: "a number" });
  return n;
};

/** The SLA section: the lifecycle file's `calendar` and `sla`, validated by core's parseLifecycleConfig. */
const SLA_FORM: SectionForm<SlaForm> = {
  section: "sla",
  fromValue(value) {
    const v = value as SlaValue;
    return {
      timeZone: v.calendar.timeZone,
      workdays: [...v.calendar.workdays],
      start: v.calendar.start,
      end: v.calendar.end,
      holidays: v.calendar.holidays.join("\n"),
      acceptWithin: v.sla.acceptWithinWorkingHours === null ? "" : String(v.sla.acceptWithinWorkingHours),
      attempts: String(v.sla.unreachable.attempts),
      overDays: String(v.sla.unreachable.overDays),
    };
  },
  parse(f): Parsed {
    const issues: { path: string; message: string }[] = [];
    const value: SlaValue = {
      calendar: {
        timeZone: f.timeZone.trim(),
        workdays: [...f.workdays].sort(),
        start: f.start,
        end: f.end,
        holidays: f.holidays
          .split(/[\n,]/)
          .map((s) => s.trim())
          .filter(Boolean),
      },
      sla: {
        acceptWithinWorkingHours:
          f.acceptWithin.trim() === ""
            ? null
            : number(f.acceptWithin, "sla.acceptWithinWorkingHours", issues),
        unreachable: {
          attempts: number(f.attempts, "sla.unreachable.attempts", issues),
          overDays: number(f.overDays, "sla.unreachable.overDays", issues),
        },
      },
    };
    const checked = parseLifecycleConfig(value);
    if (!checked.ok) issues.push(...checked.error.filter((i) => !issues.some((j) => j.path === i.path)));
    return { value, issues };
  },
};

/** SLA policy: the working calendar the clocks run on, the accept-within SLA and the unreachable rule. */
export function SlaPanel() {
  const editor = useSectionEditor(SLA_FORM);
  const { form, parsed } = editor;
  const set = (patch: Partial<SlaForm>) => form && editor.edit({ ...form, ...patch });
  return (
    <section className="panel" aria-labelledby="sla-title">
      <h2 id="sla-title">SLA policy</h2>
      <p className="help">
        MQLs must be accepted or rejected within the working hours below; the SLA clock only runs inside the
        calendar. Saved here, it replaces WINNOW_LIFECYCLE_FILE's calendar and SLA for new clocks and the
        sweep.
      </p>
      {form ? (
        <div className="form-grid">
          <Field id="sla-tz" label="Time zone (IANA)" error={issueAt(parsed, "calendar.timeZone")}>
            {(p) => (
              <input {...p} value={form.timeZone} onChange={(e) => set({ timeZone: e.target.value })} />
            )}
          </Field>
          <fieldset>
            <legend>Working days</legend>
            {DAYS.map((d, i) => (
              <label key={d} className="check">
                <input
                  type="checkbox"
                  checked={form.workdays.includes(i + 1)}
                  onChange={(e) =>
                    set({
                      workdays: e.target.checked
                        ? [...form.workdays, i + 1]
                        : form.workdays.filter((x) => x !== i + 1),
                    })
                  }
                />
                {d}
              </label>
            ))}
            {issueAt(parsed, "calendar.workdays") ? (
              <span className="field-error">{issueAt(parsed, "calendar.workdays")}</span>
            ) : null}
          </fieldset>
          <Field id="sla-start" label="Opens at" error={issueAt(parsed, "calendar.start")}>
            {(p) => (
              <input {...p} type="time" value={form.start} onChange={(e) => set({ start: e.target.value })} />
            )}
          </Field>
          <Field id="sla-end" label="Closes at" error={issueAt(parsed, "calendar.end")}>
            {(p) => (
              <input {...p} type="time" value={form.end} onChange={(e) => set({ end: e.target.value })} />
            )}
          </Field>
          <Field
            id="sla-holidays"
            label="Holidays (YYYY-MM-DD, one per line)"
            error={issueAt(parsed, "calendar.holidays")}
          >
            {(p) => (
              <textarea {...p} value={form.holidays} onChange={(e) => set({ holidays: e.target.value })} />
            )}
          </Field>
          <Field
            id="sla-accept"
            label="Accept or reject an MQL within (working hours; empty = no SLA)"
            error={issueAt(parsed, "sla.acceptWithinWorkingHours")}
          >
            {(p) => (
              <input
                {...p}
                inputMode="decimal"
                value={form.acceptWithin}
                onChange={(e) => set({ acceptWithin: e.target.value })}
              />
            )}
          </Field>
          <Field
            id="sla-attempts"
            label="Unreachable needs at least (contact attempts)"
            error={issueAt(parsed, "sla.unreachable.attempts")}
          >
            {(p) => (
              <input
                {...p}
                inputMode="numeric"
                value={form.attempts}
                onChange={(e) => set({ attempts: e.target.value })}
              />
            )}
          </Field>
          <Field
            id="sla-days"
            label="over at least (days)"
            error={issueAt(parsed, "sla.unreachable.overDays")}
          >
            {(p) => (
              <input
                {...p}
                inputMode="decimal"
                value={form.overDays}
                onChange={(e) => set({ overDays: e.target.value })}
              />
            )}
          </Field>
        </div>
      ) : null}
      <SectionFooter editor={editor} what="SLA policy" />
    </section>
  );
}
