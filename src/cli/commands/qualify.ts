import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type CommandDef, defineCommand } from "citty";
import { type ErrorCode, type Issue, WinnowError } from "../../core/errors.ts";
import { defineFramework } from "../../core/frameworks/define-framework.ts";
import { isQuestionLang } from "../../core/frameworks/questions/library.ts";
import { QUESTION_LANGS } from "../../core/frameworks/questions/types.ts";
import type { Framework } from "../../core/frameworks/types.ts";
import { explainDisagreement } from "../../core/qualification/compare.ts";
import { LEVELS } from "../../core/qualification/elements.ts";
import type { Scorecard } from "../../core/qualification/evidence.ts";
import { type IcpProfile, parseIcpProfile } from "../../core/qualification/icp.ts";
import { locateJsonPath, parseJsonText } from "../../core/qualification/json-text.ts";
import type { Outcome } from "../../core/qualification/judge.ts";
import { parseScorecard } from "../../core/qualification/scorecard-schema.ts";
import { qualify, resolveFramework, type Verdict } from "../../core/qualification/verdict.ts";
import type { Result } from "../../core/result.ts";
import { io, printJson, println } from "../io.ts";
import { REMOTE_ARGS, remoteFor } from "../remote/client.ts";

/**
 * Exit codes of `winnow qualify`: a verdict is not an error, but scripts can branch on it. They sit
 * at 10+ so they never clash with the error exit codes 1-6.
 */
export const VERDICT_EXIT = {
  advance: 0,
  "keep-qualifying": 10,
  nurture: 11,
  "disqualify-contact": 12,
  disqualify: 13,
} as const satisfies Record<Outcome, number>;

/** Reads and parses a JSON file named on the command line; syntax errors carry line and column. */
export async function readJsonFile(file: string): Promise<{ text: string; json: unknown }> {
  let text: string;
  try {
    text = await readFile(resolve(io().cwd, file), "utf8");
  } catch (cause) {
    throw new WinnowError("WINNOW_ERR_FILE_NOT_FOUND", { message: `Cannot read ${file}`, cause });
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok)
    throw new WinnowError("WINNOW_ERR_INVALID_JSON", {
      message: `${file} is not valid JSON`,
      issues: [parsed.error],
    });
  return { text, json: parsed.value };
}

/** Validates a JSON file's content; each issue gets the line and column of its path in the file. */
export async function readValidated<T>(
  file: string,
  parse: (json: unknown) => Result<T, Issue[]>,
  code: ErrorCode,
  what: string,
): Promise<T> {
  const { text, json } = await readJsonFile(file);
  const result = parse(json);
  if (result.ok) return result.value;
  const issues = result.error.map((issue) => ({ ...issue, ...locateJsonPath(text, issue.path) }));
  throw new WinnowError(code, { message: `${file} is not a valid ${what}`, issues });
}

/** A built-in framework by id, or a custom one from a JSON file (validated). */
export async function loadFramework(spec: string): Promise<Framework> {
  if (spec.endsWith(".json"))
    return readValidated(spec, defineFramework, "WINNOW_ERR_INVALID_FRAMEWORK", "framework");
  return resolveFramework(spec);
}

const MARK = { met: "[met]    ", unknown: "[gap]    ", deferred: "[not now]", failed: "[FAILED] " } as const;

function printVerdict(v: Verdict): void {
  println(
    `${v.framework.name}: ${v.outcome.toUpperCase()}${v.failedLevel ? ` (${v.failedLevel} level)` : ""}  — ${v.score.met}/${v.score.total} criteria met`,
  );
  println(`  ${v.explanation}`);
  for (const level of LEVELS) {
    const c = v.coverage[level];
    const missing = c.missing.length > 0 ? `; missing: ${c.missing.join(", ")}` : "";
    if (c.total === 0) {
      println(
        `  ${level.padEnd(12)} not checked${level === "organization" ? " (no --icp given, no fit evidence)" : ""}`,
      );
      continue;
    }
    println(`  ${level.padEnd(12)} ${c.status.padEnd(7)} ${c.known}/${c.total} known${missing}`);
    for (const r of v.criteria.filter((x) => x.level === level)) {
      println(`    ${MARK[r.status]} ${r.message}${r.required ? "" : " (optional)"}`);
    }
  }
  if (v.nextQuestions.length > 0) {
    println("  Next questions:");
    v.nextQuestions.forEach((q, i) => {
      println(`    ${i + 1}. ${q.question.text}`);
      println(`       ${q.why}`);
    });
  }
}

export const command: CommandDef = defineCommand({
  meta: {
    name: "qualify",
    description:
      "Read a scorecard file and print the verdict (exit 0 advance, 10 keep qualifying, 11 nurture, 12 disqualify contact, 13 disqualify)",
  },
  args: {
    scorecard: { type: "positional", required: true, description: "The scorecard JSON file" },
    framework: {
      type: "string",
      description:
        "Framework id, a custom framework .json, or several separated by commas (default: the scorecard's, else bant)",
    },
    icp: {
      type: "string",
      description: "An ideal customer profile JSON file, checked at the organization level",
    },
    now: {
      type: "string",
      description: "The date the verdict is for (ISO 8601); default: each timeline record's own date",
    },
    lang: {
      type: "string",
      description: `Language of the next questions (${QUESTION_LANGS.join(", ")})`,
      default: "en",
    },
    questions: { type: "string", description: "How many next questions to suggest", default: "5" },
    json: { type: "boolean", description: "Print the verdict as JSON" },
    ...REMOTE_ARGS,
  },
  async run({ args }) {
    const lang = args.lang;
    if (!isQuestionLang(lang)) {
      throw new WinnowError("WINNOW_ERR_LANGUAGE_NOT_AVAILABLE", {
        message: `Questions are not available in "${lang}" yet (available: ${QUESTION_LANGS.join(", ")})`,
      });
    }
    const limit = Number(args.questions);
    if (!Number.isInteger(limit) || limit < 0)
      throw new WinnowError("WINNOW_ERR_USAGE", { message: "--questions must be a whole number, 0 or more" });
    if (args.now !== undefined && Number.isNaN(Date.parse(args.now))) {
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: `--now "${args.now}" is not an ISO date or date-time`,
      });
    }
    const scorecard: Scorecard = await readValidated(
      args.scorecard,
      parseScorecard,
      "WINNOW_ERR_INVALID_SCORECARD",
      "scorecard",
    );
    const specs = (args.framework ?? scorecard.framework ?? "bant")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (specs.length === 0)
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: "--framework needs at least one framework id or file",
      });
    const remote = remoteFor(args);
    let verdicts: Verdict[];
    if (remote) {
      // The server judges with its workspace's frameworks, ICP and custom questions (in English).
      if (args.icp || lang !== "en" || specs.some((s) => s.endsWith(".json")))
        throw new WinnowError("WINNOW_ERR_USAGE", {
          message:
            "With --url the server's ICP, frameworks and questions apply: drop --icp, --lang and framework files",
        });
      verdicts = [];
      for (const framework of specs) {
        verdicts.push(
          await remote.json<Verdict>("/v1/qualify", {
            body: {
              scorecard,
              framework,
              questions: limit,
              ...(args.now ? { now: new Date(args.now).toISOString() } : {}),
            },
          }),
        );
      }
    } else {
      const icp: IcpProfile | undefined = args.icp
        ? await readValidated(args.icp, parseIcpProfile, "WINNOW_ERR_INVALID_ICP", "ICP profile")
        : undefined;
      const frameworks: Framework[] = [];
      for (const spec of specs) frameworks.push(await loadFramework(spec));
      verdicts = frameworks.map((f) =>
        qualify(scorecard, f, {
          lang,
          questions: limit,
          ...(icp ? { icp } : {}),
          ...(args.now ? { now: args.now } : {}),
        }),
      );
    }
    const disagreements = verdicts
      .slice(1)
      .flatMap((v) => (verdicts[0] ? explainDisagreement(verdicts[0], v) : []));
    if (args.json) printJson(verdicts.length === 1 ? verdicts[0] : verdicts);
    else {
      println(`${scorecard.title ?? scorecard.id ?? args.scorecard}`);
      if (verdicts.length > 1) {
        println(
          verdicts
            .map((v) => `${v.framework.name} → ${v.outcome}${v.failedLevel ? ` (${v.failedLevel})` : ""}`)
            .join("  ·  "),
        );
      }
      for (const v of verdicts) {
        println();
        printVerdict(v);
      }
      if (disagreements.length > 0) {
        println();
        println("Why the frameworks disagree:");
        for (const line of disagreements) println(`  - ${line}`);
      }
    }
    // several frameworks: the first one listed decides the exit code
    return VERDICT_EXIT[verdicts[0]?.outcome ?? "advance"];
  },
}) as CommandDef;
