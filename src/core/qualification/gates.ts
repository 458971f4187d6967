import type { Framework } from "../frameworks/types.ts";
import { ELEMENT_INFO, type ElementId, type Level } from "./elements.ts";
import { type CriterionResult, type CriterionStatus, withQuote } from "./evaluate-criterion.ts";
import type { Scorecard } from "./evidence.ts";
import { evaluateIcp, type IcpCheck, type IcpProfile } from "./icp.ts";

/**
 * Elements checked at their level whatever the framework (PRODUCT §2): the organization's fit, the
 * opportunity's users and ability to implement, the contact's persona and knowledge of the company.
 * A gate never blocks on a gap; it rules out on a recorded failure or an ICP mismatch.
 */
const GATED_ELEMENTS: readonly ElementId[] = [
  "territory",
  "industry",
  "company_size",
  "users",
  "implementation",
  "persona",
  "knowledge",
];

const LEVEL_OF_CHECK: Readonly<Record<IcpCheck["check"], Level>> = {
  territory: "organization",
  industry: "organization",
  employees: "organization",
  annual_revenue: "organization",
  exclusion: "organization",
  // the company may fit while this person does not: find the one who matches (disqualify the contact)
  persona: "stakeholder",
};

const ICP_NAMES: Readonly<Record<IcpCheck["check"], string>> = {
  territory: "ICP territory",
  industry: "ICP industry",
  employees: "ICP head count",
  annual_revenue: "ICP revenue",
  exclusion: "ICP exclusions",
  persona: "ICP persona",
};

const STATUS_OF_CHECK: Readonly<Record<IcpCheck["status"], CriterionStatus>> = {
  match: "met",
  mismatch: "failed",
  unknown: "unknown",
};

function icpGate(check: IcpCheck): CriterionResult {
  const status = STATUS_OF_CHECK[check.status];
  const name = ICP_NAMES[check.check];
  return {
    criterion: `icp.${check.check}`,
    name,
    level: LEVEL_OF_CHECK[check.check],
    // the team asked for this check in its ICP, so a gap here is worth closing
    required: true,
    gate: true,
    elements: [check.element],
    status,
    claimedOnly: false,
    code: check.code,
    message: `${name}: ${check.reason}`,
    findings: [
      {
        element: check.element,
        status,
        claimedOnly: false,
        code: check.code,
        detail: check.reason,
        evidence: null,
      },
    ],
  };
}

function evidenceGate(scorecard: Scorecard, element: ElementId): CriterionResult | undefined {
  const record = scorecard.evidence[element];
  if (!record || record.state === "unknown") return undefined;
  const info = ELEMENT_INFO[element];
  const status: CriterionStatus = record.state === "failed" ? "failed" : "met";
  const detail = withQuote(status === "failed" ? "ruled out" : record.state, record);
  const code = `${element}_${status === "failed" ? "failed" : "met"}`;
  return {
    criterion: `gate.${element}`,
    name: info.name,
    level: info.level,
    required: false,
    gate: true,
    elements: [element],
    status,
    claimedOnly: record.state === "claimed",
    code,
    message: `${info.name}: ${detail}`,
    findings: [{ element, status, claimedOnly: record.state === "claimed", code, detail, evidence: record }],
  };
}

/**
 * The level gates that apply to a scorecard under a framework (elements the framework reads are left to it).
 *
 * @example
 * levelGates(card, FRAMEWORKS.meddic, { industries: ["software"] }).map((g) => g.criterion); // ["icp.industry", ...]
 */
export function levelGates(scorecard: Scorecard, framework: Framework, icp?: IcpProfile): CriterionResult[] {
  const read = new Set(framework.criteria.flatMap((c) => c.elements));
  const gates: CriterionResult[] = [];
  if (icp) {
    const icpResult = evaluateIcp(icp, {
      ...(scorecard.account ? { account: scorecard.account } : {}),
      ...(scorecard.contact ? { contact: scorecard.contact } : {}),
    });
    gates.push(...icpResult.checks.map(icpGate));
  }
  for (const element of GATED_ELEMENTS) {
    if (read.has(element)) continue;
    const gate = evidenceGate(scorecard, element);
    if (gate) gates.push(gate);
  }
  return gates;
}
