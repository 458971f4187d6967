import { type CommandDef, defineCommand } from "citty";
import { WinnowError } from "../../core/errors.ts";
import { checkQuestionLibrary } from "../../core/frameworks/questions/check-library.ts";
import { isQuestionLang, questionsFor } from "../../core/frameworks/questions/library.ts";
import { QUESTION_LANGS, type QuestionLang } from "../../core/frameworks/questions/types.ts";
import { BUYING_ROLES, type BuyingRole } from "../../core/records.ts";
import { EXIT } from "../exit-codes.ts";
import { printJson, println } from "../io.ts";
import { REMOTE_ARGS, type RemoteClient, remoteFor } from "../remote/client.ts";
import { loadFramework, readJsonFile } from "./qualify.ts";

async function checkFile(file: string, json: boolean): Promise<number> {
  const { json: content } = await readJsonFile(file);
  const checked = checkQuestionLibrary(content);
  if (!checked.ok)
    throw new WinnowError("WINNOW_ERR_INVALID_QUESTIONS", {
      message: `${file} is not a valid question library`,
      issues: checked.error,
    });
  const { questions, findings } = checked.value;
  if (json) printJson({ questions: questions.length, findings });
  else if (findings.length === 0)
    println(`${file}: ${questions.length} questions, all open-ended and distinct`);
  else {
    println(`${file}: ${findings.length} problem(s) in ${questions.length} questions`);
    for (const f of findings)
      println(`  ${f.path} [${f.kind}] ${f.message}${f.suggestion ? `\n    try: ${f.suggestion}` : ""}`);
  }
  if (findings.length > 0) {
    throw new WinnowError("WINNOW_ERR_INVALID_QUESTIONS", {
      message: `${file}: ${findings.length} question(s) to rewrite`,
    });
  }
  return EXIT.ok;
}

type Groups = ReturnType<typeof questionsFor>;
type Named = { readonly id: string; readonly name: string };

async function localQuestions(
  spec: string,
  lang: QuestionLang,
  criterion: string | undefined,
  role: string | undefined,
): Promise<{ framework: Named; groups: Groups }> {
  const framework = await loadFramework(spec);
  const groups = questionsFor(framework, {
    lang,
    ...(criterion ? { criterion } : {}),
    ...(role ? { role: role as BuyingRole } : {}),
  });
  return { framework, groups };
}

/** The server's questions: its workspace's custom frameworks and questions included. */
async function remoteQuestions(
  remote: RemoteClient,
  id: string,
  lang: QuestionLang,
  criterion: string | undefined,
  role: string | undefined,
): Promise<{ framework: Named; groups: Groups }> {
  const path = `/v1/frameworks/${encodeURIComponent(id)}`;
  const framework = await remote.json<Named>(path);
  const { data } = await remote.json<{ data: Groups }>(`${path}/questions`, {
    query: { lang, criterion, role },
  });
  return { framework, groups: data };
}

export const command: CommandDef = defineCommand({
  meta: {
    name: "questions",
    description:
      "Open-ended discovery questions of a framework, per criterion; or check your own library (--check)",
  },
  args: {
    framework: {
      type: "positional",
      required: false,
      description: "Framework id (bant, meddic, ...) or a custom framework .json",
    },
    criterion: { type: "string", description: "Only this criterion" },
    lang: { type: "string", description: `Language (${QUESTION_LANGS.join(", ")})`, default: "en" },
    role: { type: "string", description: `Fit the questions to a buying role (${BUYING_ROLES.join(", ")})` },
    check: {
      type: "string",
      description:
        "Check a custom question library (JSON list of {element, text}) for closed or duplicate questions",
    },
    json: { type: "boolean", description: "Print JSON instead of text" },
    ...REMOTE_ARGS,
  },
  async run({ args }) {
    if (args.check) return checkFile(args.check, Boolean(args.json));
    if (!args.framework)
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: "Name a framework (winnow questions bant), or --check a library file",
      });
    const lang = args.lang;
    if (!isQuestionLang(lang)) {
      throw new WinnowError("WINNOW_ERR_LANGUAGE_NOT_AVAILABLE", {
        message: `Questions are not available in "${lang}" yet (available: ${QUESTION_LANGS.join(", ")})`,
      });
    }
    const role = args.role;
    if (role !== undefined && !(BUYING_ROLES as readonly string[]).includes(role)) {
      throw new WinnowError("WINNOW_ERR_USAGE", {
        message: `--role must be one of ${BUYING_ROLES.join(", ")}`,
      });
    }
    const remote = args.framework.endsWith(".json") ? null : remoteFor(args);
    const { framework, groups } = remote
      ? await remoteQuestions(remote, args.framework, lang, args.criterion, role)
      : await localQuestions(args.framework, lang, args.criterion, role);
    if (args.json) {
      printJson({ framework: framework.id, lang, criteria: groups });
      return EXIT.ok;
    }
    println(`${framework.name} — discovery questions (${lang})`);
    for (const g of groups) {
      println();
      println(`${g.name} (${g.criterion}; ${g.level}${g.required ? ", required" : ""})`);
      for (const q of g.questions)
        println(`  - ${q.text}  [${q.element}${q.roles ? `; for ${q.roles.join(", ")}` : ""}]`);
    }
    return EXIT.ok;
  },
}) as CommandDef;
