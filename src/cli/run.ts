import { type CommandDef, renderUsage, runCommand } from "citty";
import { type ERRORS, formatIssues, isWinnowError } from "../core/errors.ts";
import { COMMANDS } from "./commands/registry.ts";
import { EXIT, exitCodeFor } from "./exit-codes.ts";
import { type CliIo, setIo } from "./io.ts";

function topUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `winnow — lead qualification with evidence\n\nUsage: winnow <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nRun \`winnow <command> --help\` for a command's options.\n`;
}

/**
 * Runs one `winnow` invocation and returns its exit code. Never calls process.exit (main.ts does),
 * so tests can run commands in-process with their own IO.
 */
export async function runCli(argv: readonly string[], cliIo: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    cliIo.stdout(topUsage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    cliIo.stderr(`winnow: unknown command "${name}"\n\n${topUsage()}`);
    return EXIT.usage;
  }
  const cmd = (await entry.load()) as CommandDef;
  if (rest.includes("--help") || rest.includes("-h")) {
    cliIo.stdout(`${await renderUsage(cmd)}\n`);
    return EXIT.ok;
  }
  setIo(cliIo);
  try {
    const { result } = await runCommand(cmd, { rawArgs: [...rest] });
    return typeof result === "number" ? result : EXIT.ok;
  } catch (error) {
    if (isWinnowError(error)) {
      const issues = error.issues.length > 0 ? `\n${formatIssues(error.issues)}` : "";
      cliIo.stderr(`winnow ${name}: ${error.message} [${error.code}]${issues}\n`);
      return exitCodeFor(error.code);
    }
    const message = error instanceof Error ? error.message : String(error);
    cliIo.stderr(`winnow ${name}: ${message} [${"WINNOW_ERR_INTERNAL" satisfies keyof typeof ERRORS}]\n`);
    if (cliIo.env["WINNOW_DEBUG"] && error instanceof Error) cliIo.stderr(`${error.stack}\n`);
    return EXIT.internal;
  } finally {
    setIo(undefined);
  }
}
