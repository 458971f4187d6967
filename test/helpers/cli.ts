import { runCli } from "../../src/cli/run.ts";

export type CliRun = { readonly code: number; readonly stdout: string; readonly stderr: string };

/** Runs `winnow <argv>` in-process with captured output (real command code, no subprocess). */
export async function winnow(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
  cwd = process.cwd(),
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: { ...process.env, ...env },
    cwd,
    isTty: false,
  });
  return { code, stdout, stderr };
}
