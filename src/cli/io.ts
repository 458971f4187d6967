/** What a CLI command may touch of the outside world; tests pass their own. */
export type CliIo = {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Whether stdout/stderr are terminals (progress bars only then). */
  readonly isTty: boolean;
};

let current: CliIo | undefined;

/** Set by runCli for the duration of one command. */
export function setIo(io: CliIo | undefined): void {
  current = io;
}

/** The IO of the command being run. */
export function io(): CliIo {
  if (!current) throw new Error("CLI io used outside runCli");
  return current;
}

/** Writes a line to stdout. */
export function println(text = ""): void {
  io().stdout(`${text}\n`);
}

/** Writes a line to stderr. */
export function eprintln(text = ""): void {
  io().stderr(`${text}\n`);
}

/** Prints a value as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  io().stdout(`${JSON.stringify(value, null, 2)}\n`);
}
