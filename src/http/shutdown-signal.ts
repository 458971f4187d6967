/**
 * Resolves on the first SIGINT or SIGTERM (Ctrl-C, `docker stop`, systemd), so that `winnow serve`
 * can close gracefully: finish requests in flight, then close the database.
 */
export function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      resolve(signal);
    };
    process.once("SIGINT", on);
    process.once("SIGTERM", on);
  });
}
