import { resolve } from "node:path";
import { WinnowError } from "../core/errors.ts";
import { type ServerConfig, serverConfig } from "./server-config.ts";

export type ServerFlags = {
  readonly host?: string | undefined;
  readonly port?: string | undefined;
  readonly log?: boolean | undefined;
};

function int(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new WinnowError("WINNOW_ERR_USAGE", {
      message: `${name} must be a whole number from ${min} to ${max}, not "${text}"`,
    });
  }
  return n;
}

/**
 * The server's configuration from flags and environment, read once: `--host`/`HOST` (default
 * 127.0.0.1), `--port`/`PORT` (3000), `WINNOW_CORS_ORIGINS` (comma-separated; empty = CORS off),
 * `WINNOW_RATE_LIMIT` (requests per second per key; 0 = off), web/dist served at `/` when built.
 */
export function serverConfigFrom(
  flags: ServerFlags,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): ServerConfig {
  const rate = env["WINNOW_RATE_LIMIT"]?.trim();
  const perSecond = rate ? int("WINNOW_RATE_LIMIT", rate, 0, 1_000_000) : 1000;
  return serverConfig({
    host: flags.host?.trim() || env["HOST"]?.trim() || "127.0.0.1",
    port: int("--port", flags.port?.trim() || env["PORT"]?.trim() || "3000", 0, 65535),
    rateLimit: perSecond === 0 ? false : { max: perSecond, windowMs: 1000 },
    corsOrigins: (env["WINNOW_CORS_ORIGINS"] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    webDist: resolve(cwd, env["WINNOW_WEB_DIST"]?.trim() || "web/dist"),
    logRequests: flags.log === true,
  });
}
