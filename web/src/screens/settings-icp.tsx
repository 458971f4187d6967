import { parseIcpProfile } from "../../../src/core/qualification/icp.ts";
import { BUYING_ROLES, SENIORITIES } from "../../../src/core/records.ts";
import {
  Field,
  issueAt,
  type Parsed,
  SectionFooter,
  type SectionForm,
  useSectionEditor,
} from "./settings-section.tsx";

const LISTS = [
  ["industries", "Industries we sell to"],
  ["territories.countries", "Countries"],
  ["territories.regions", "Regions"],
  ["personas.titleKeywords", "Title keywords"],
  ["personas.seniorities", `Seniorities (${SENIORITIES.join(", ")})`],
  ["personas.buyingRoles", `Buying roles (${BUYING_ROLES.join(", ")})`],
  ["exclusions.industries", "Never sell to industries"],
  ["exclusions.countries", "Never sell to countries"],
  ["exclusions.domains", "Never sell to domains"],
] as const;
const RANGES = [
  ["employees", "Employees"],
  ["annualRevenue", "Annual revenue"],
] as const;

type ListPath = (typeof LISTS)[number][0];
type RangePath = (typeof RANGES)[number][0];
type IcpForm = Record<ListPath, string> & Record<`${RangePath}.${"min" | "max"}`, string>;

type Json = Record<string, unknown>;
const at = (value: Json | null, path: string): unknown =>
  path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Json)[k] : undefined), value);

function put(target: Json, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Json;
  }
  node[keys[keys.length - 1] as string] = value;
}

/** The ICP section: comma-separated lists and ranges, validated by core's parseIcpProfile. */
const ICP_FORM: SectionForm<IcpForm> = {
  section: "icp",
  fromValue(value) {
    const v = (value ?? null) as Json | null;
    const form = {} as Record<string, string>;
    for (const [path] of LISTS) form[path] = ((at(v, path) as string[] | undefined) ?? []).join(", ");
    for (const [path] of RANGES)
      for (const end of ["min", "max"]) {
        const n = at(v, `${path}.${end}`);
        form[`${path}.${end}`] = n === undefined ? "" : String(n);
      }
    return form as IcpForm;
  },
  parse(f): Parsed {
    const value: Json = {};
    const issues: { path: string; message: string }[] = [];
    for (const [path] of LISTS) {
      const items = f[path]
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      if (items.length > 0) put(value, path, items);
    }
    for (const [path] of RANGES)
      for (const end of ["min", "max"] as const) {
        const text = f[`${path}.${end}`].trim();
        if (text === "") continue;
        const n = Number(text);
        if (!Number.isFinite(n)) issues.push({ path: `${path}.${end}`, message: "a number" });
        else put(value, `${path}.${end}`, n);
      }
    if (Object.keys(value).length === 0) return { value: null, issues };
    const checked = parseIcpProfile(value);
    if (!checked.ok) issues.push(...checked.error);
    return { value, issues };
  },
};

/** The ideal customer profile that gates the organization level of every verdict. */
export function IcpPanel() {
  const editor = useSectionEditor(ICP_FORM);
  const { form, parsed } = editor;
  const set = (key: keyof IcpForm, text: string) => form && editor.edit({ ...form, [key]: text });
  return (
    <section className="panel" aria-labelledby="icp-title">
      <h2 id="icp-title">Ideal customer profile</h2>
      <p className="help">
        Every verdict checks the account and contact against this profile at the organization level. Leave a
        field empty to not check it; separate values with commas. Empty everywhere: no ICP check.
      </p>
      {form ? (
        <div className="form-grid">
          {LISTS.map(([path, label]) => (
            <Field
              key={path}
              id={`icp-${path.replace(".", "-")}`}
              label={label}
              error={issueAt(parsed, path)}
            >
              {(p) => <input {...p} value={form[path]} onChange={(e) => set(path, e.target.value)} />}
            </Field>
          ))}
          {RANGES.flatMap(([path, label]) =>
            (["min", "max"] as const).map((end) => (
              <Field
                key={`${path}.${end}`}
                id={`icp-${path}-${end}`}
                label={`${label}, ${end === "min" ? "at least" : "at most"}`}
                error={
                  issueAt(parsed, `${path}.${end}`) ?? (end === "min" ? issueAt(parsed, path) : undefined)
                }
              >
                {(p) => (
                  <input
                    {...p}
                    inputMode="numeric"
                    value={form[`${path}.${end}`]}
                    onChange={(e) => set(`${path}.${end}`, e.target.value)}
                  />
                )}
              </Field>
            )),
          )}
        </div>
      ) : null}
      <SectionFooter editor={editor} what="ICP" />
    </section>
  );
}
