import { type CommandDef, defineCommand } from "citty";
import { WinnowError } from "../../core/errors.ts";
import { getFramework, listFrameworks } from "../../core/frameworks/registry.ts";
import type { Framework } from "../../core/frameworks/types.ts";
import { LEVELS } from "../../core/qualification/elements.ts";
import { EXIT } from "../exit-codes.ts";
import { printJson, println } from "../io.ts";
import { REMOTE_ARGS, remoteFor } from "../remote/client.ts";

/** A framework with its criteria grouped by level, as printed by `--json`. */
export function frameworkView(f: Framework) {
  return {
    id: f.id,
    name: f.name,
    summary: f.summary,
    bestFor: f.bestFor,
    caveats: f.caveats,
    custom: f.custom,
    levels: Object.fromEntries(LEVELS.map((level) => [level, f.criteria.filter((c) => c.level === level)])),
  };
}

function printFramework(f: Framework): void {
  println(`${f.name} (${f.id}) — ${f.summary}`);
  if (f.bestFor) println(`  best for: ${f.bestFor}`);
  if (f.caveats) println(`  caveats:  ${f.caveats}`);
  const label = (c: Framework["criteria"][number]) =>
    c.name.toLowerCase().replace(/\s+/g, "_") === c.id ? c.name : `${c.name} (${c.id})`;
  const width = Math.max(...f.criteria.map((c) => label(c).length));
  for (const level of LEVELS) {
    const criteria = f.criteria.filter((c) => c.level === level);
    if (criteria.length === 0) {
      if (level === "organization")
        println("  organization level: checked against your ICP (--icp), whatever the framework");
      continue;
    }
    println(`  ${level} level:`);
    for (const c of criteria) {
      println(
        `    ${label(c).padEnd(width)}  ${c.required ? "required" : "optional"}  reads ${c.elements.join(", ")}`,
      );
      println(`    ${" ".repeat(width)}  ${c.satisfiedWhen}`);
    }
  }
}

export const command: CommandDef = defineCommand({
  meta: {
    name: "frameworks",
    description: "List qualification frameworks and their criteria, grouped by level",
  },
  args: {
    framework: {
      type: "positional",
      required: false,
      description: "Show only this framework (bant, meddic, ...)",
    },
    json: { type: "boolean", description: "Print JSON instead of text" },
    ...REMOTE_ARGS,
  },
  async run({ args }) {
    const remote = remoteFor(args);
    let frameworks: readonly Framework[];
    if (remote) {
      // The server's list includes the workspace's own frameworks (from its settings).
      frameworks = args.framework
        ? [await remote.json<Framework>(`/v1/frameworks/${encodeURIComponent(args.framework)}`)]
        : (await remote.json<{ data: Framework[] }>("/v1/frameworks")).data;
    } else frameworks = listFrameworks();
    if (args.framework && !remote) {
      const one = getFramework(args.framework);
      if (!one) {
        throw new WinnowError("WINNOW_ERR_FRAMEWORK_NOT_FOUND", {
          message: `There is no framework "${args.framework}" (built in: ${frameworks.map((f) => f.id).join(", ")})`,
        });
      }
      frameworks = [one];
    }
    if (args.json) {
      printJson(frameworks.map(frameworkView));
      return EXIT.ok;
    }
    frameworks.forEach((f, i) => {
      if (i > 0) println();
      printFramework(f);
    });
    return EXIT.ok;
  },
}) as CommandDef;
