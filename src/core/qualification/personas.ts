import { BUYING_ROLES, type BuyingRole } from "../records.ts";
import type { ElementId } from "./elements.ts";

/**
 * What a buying role cares about, so that stakeholder questions fit the person on the call: the pains
 * they feel, the numbers they are measured on, and the elements they can speak to with authority.
 */
export type Persona = {
  readonly role: BuyingRole;
  readonly name: string;
  readonly description: string;
  readonly pains: readonly string[];
  readonly metrics: readonly string[];
  /** Elements this role can usually answer for; ask others about the rest. */
  readonly speaksTo: readonly ElementId[];
};

/**
 * The default persona of each buying role.
 *
 * @example
 * PERSONAS.economic_buyer.metrics; // ["return on investment", ...]
 */
export const PERSONAS = {
  economic_buyer: {
    role: "economic_buyer",
    name: "Economic buyer",
    description: "Controls the budget and gives the final yes; judges the purchase as an investment.",
    pains: [
      "revenue at risk",
      "costs growing faster than the business",
      "missed targets reported to the board",
    ],
    metrics: ["return on investment", "payback period", "cost per outcome", "revenue growth"],
    speaksTo: [
      "goals",
      "budget",
      "economic_buyer",
      "decision_process",
      "prioritization",
      "metrics",
      "knowledge",
    ],
  },
  champion: {
    role: "champion",
    name: "Champion",
    description: "Wants the change, has influence, and sells it inside when we are not in the room.",
    pains: ["a team held back by the current process", "a personal goal the problem blocks"],
    metrics: ["team productivity", "time to complete the core task", "adoption of the new process"],
    speaksTo: [
      "need",
      "metrics",
      "champion",
      "decision_criteria",
      "decision_process",
      "users",
      "competition",
    ],
  },
  influencer: {
    role: "influencer",
    name: "Influencer",
    description: "Shapes the requirements and the shortlist without signing; often an expert or a team lead.",
    pains: ["gaps in the current tool", "integration and data problems"],
    metrics: ["requirements covered", "integration effort", "error rates"],
    speaksTo: ["need", "decision_criteria", "competition", "implementation", "users"],
  },
  user: {
    role: "user",
    name: "User",
    description: "Works with the product every day; feels the productivity pain first.",
    pains: ["repetitive manual work", "slow or unreliable tools", "rework and errors"],
    metrics: ["hours spent per week", "tasks completed", "errors and rework"],
    speaksTo: ["need", "users", "interest", "implementation"],
  },
  gatekeeper: {
    role: "gatekeeper",
    name: "Gatekeeper",
    description: "Controls access to the people who decide (assistants, procurement, IT security).",
    pains: ["supplier risk", "compliance findings", "workload from new vendors"],
    metrics: ["review time", "policy compliance", "number of suppliers"],
    speaksTo: ["paper_process", "decision_process", "implementation"],
  },
  blocker: {
    role: "blocker",
    name: "Blocker",
    description: "Stands to lose from the change or prefers another option; can stop the deal late.",
    pains: ["loss of control or budget", "effort of switching", "risk to a current project"],
    metrics: ["switching cost", "disruption to current work"],
    speaksTo: ["competition", "decision_criteria"],
  },
} as const satisfies Record<BuyingRole, Persona>;

/**
 * The persona of a role, or undefined when the role is not known.
 *
 * @example
 * personaFor("user")?.speaksTo.includes("budget"); // false: ask someone else about money
 */
export function personaFor(role: BuyingRole | null | undefined): Persona | undefined {
  return role && (BUYING_ROLES as readonly string[]).includes(role) ? PERSONAS[role] : undefined;
}
