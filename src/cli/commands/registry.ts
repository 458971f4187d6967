// Commands declare their own argument types; the dispatcher only needs "some citty command".
type Loader = () => Promise<object>;

/**
 * Every `winnow` sub-command, loaded lazily so that `winnow frameworks` does not pay for the HTTP
 * server or the database driver. Each command lives in its own file and exports `command`.
 */
export const COMMANDS: Readonly<Record<string, { readonly summary: string; readonly load: Loader }>> = {
  frameworks: {
    summary: "List qualification frameworks and their criteria",
    load: async () => (await import("./frameworks.ts")).command,
  },
  questions: {
    summary: "Discovery questions of a framework",
    load: async () => (await import("./questions.ts")).command,
  },
  qualify: {
    summary: "Read a scorecard file and print the verdict",
    load: async () => (await import("./qualify.ts")).command,
  },
  signals: {
    summary: "Read notes or lead text and list signals and evidence",
    load: async () => (await import("./signals.ts")).command,
  },
  serve: {
    summary: "Start the HTTP API and web app",
    load: async () => (await import("./serve.ts")).command,
  },
  migrate: { summary: "Apply database migrations", load: async () => (await import("./migrate.ts")).command },
  import: {
    summary: "Import a CSV of leads, accounts, contacts, deals or events",
    load: async () => (await import("./import.ts")).command,
  },
  export: { summary: "Export records as CSV", load: async () => (await import("./export.ts")).command },
  score: {
    summary: "Validate a scoring model, score leads",
    load: async () => (await import("./score.ts")).command,
  },
  backtest: {
    summary: "Replay history under a scoring model",
    load: async () => (await import("./backtest.ts")).command,
  },
  train: {
    summary: "Train a predictive model on closed deals or a CSV",
    load: async () => (await import("./train.ts")).command,
  },
  "train-db": {
    summary: "Train a predictive model on the database's won and lost history",
    load: async () => (await import("./train-db.ts")).command,
  },
  keys: { summary: "Manage API keys", load: async () => (await import("./keys.ts")).command },
  users: {
    summary: "Manage web app users (email + password sign-in)",
    load: async () => (await import("./users.ts")).command,
  },
};
