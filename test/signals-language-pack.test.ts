import { describe, expect, it } from "vitest";
import type { PackFindings, PackInput, SignalsLanguagePack } from "../src/core/signals/index.ts";
import { readSignals, SIGNALS_LANGUAGE_PACKS } from "../src/core/signals/index.ts";

// A language is a pack: a toy Spanish pack with two rules shows that segmentation, the
// language-neutral rules (decision window, specificity), the consistency checks and the questions
// all run on a pack's findings, in the pack's words.

function findAll(text: string, re: RegExp) {
  return [...text.matchAll(re)].map((m) => ({
    start: m.index ?? 0,
    end: (m.index ?? 0) + m[0].length,
    text: m[0],
  }));
}

const toySpanish: SignalsLanguagePack = {
  lang: "es",
  segmentation: {
    repLabels: /^(vendedor|comercial)$/i,
    buyerLabels: /^(cliente)$/i,
    fieldLabels: /^(nota)$/i,
    abbreviations: new Set(["p.ej"]),
  },
  read({ doc }: PackInput): PackFindings {
    const out: PackFindings = {
      evidence: [],
      goodSigns: [],
      redFlags: [],
      questions: [],
      facts: { dates: [], claims: [], specifics: [], answers: [], quoteRequests: [] },
    };
    for (const span of findAll(doc.text, /no hay presupuesto/gi))
      out.evidence.push({
        rule: "budget.none",
        element: "budget",
        polarity: "negative",
        span,
        summary: "Sin presupuesto",
      });
    const propuesta = findAll(doc.text, /11 de junio/g)[0];
    const decision = findAll(doc.text, /15 de junio/g)[0];
    if (propuesta) out.facts.dates.push({ span: propuesta, date: "2026-06-11", role: "proposal" });
    if (decision) out.facts.dates.push({ span: decision, date: "2026-06-15", role: "decision" });
    for (const d of out.facts.dates) out.facts.specifics.push({ span: d.span, kind: "date" });
    return out;
  },
  questions: {
    "q.decision_window":
      "Las propuestas llegan el {proposal} y eligen el {decision}: ¿ya trabajan con algún proveedor?",
    "q.budget_none": "¿Cómo se financiaría sin presupuesto?",
  },
  phrases: { "decision-window.short": "Solo {days} días entre propuesta y decisión" },
  changeMarkers: /\b(desde entonces|ya no)\b/i,
  list: (items) => items.join(", "),
};

describe("language packs", () => {
  const text = "No hay presupuesto todavía. Propuestas el 11 de junio y decisión el 15 de junio.";

  it("runs the language-neutral rules on a pack's findings, in the pack's words", () => {
    const r = readSignals(text, { date: "2026-05-20", pack: toySpanish });
    expect(r.lang).toBe("es");
    expect(r.redFlags[0]).toMatchObject({
      signal: "short_decision_window",
      summary: "Solo 4 días entre propuesta y decisión",
    });
    expect(r.goodSigns[0]?.signal).toBe("specificity");
    expect(r.questions.map((q) => q.text)).toEqual([
      "Las propuestas llegan el 11 de junio y eligen el 15 de junio: ¿ya trabajan con algún proveedor?",
      "¿Cómo se financiaría sin presupuesto?",
    ]);
  });

  it("checks consistency across calls with the pack's findings", () => {
    const r = readSignals(text, {
      date: "2026-05-20",
      pack: toySpanish,
      previous: [{ date: "2026-05-01", text: "Decisión el 15 de junio." }],
    });
    expect(r.redFlags.map((f) => f.signal)).not.toContain("inconsistency");
  });

  it("ships English and reports others as not available", () => {
    expect(Object.keys(SIGNALS_LANGUAGE_PACKS)).toEqual(["en"]);
    expect(readSignals("Budget approved.", { date: "2026-05-20", lang: "en-GB" }).lang).toBe("en");
  });
});
