// The `winnow` executable: the only place in Winnow that calls process.exit.
import { runCli } from "./run.ts";

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  isTty: Boolean(process.stderr.isTTY),
});
// Long-running commands (serve) keep the process alive and never resolve; everything else exits here.
process.exitCode = code;
if (code !== 0) process.exit(code);
