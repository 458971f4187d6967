/**
 * What the HTTP server needs to know, read once by the composition root (`winnow serve`, tests,
 * benches) and frozen. Everything has a safe default: loopback only, CORS off, rate limits on.
 */
export type ServerConfig = {
  readonly host: string;
  readonly port: number;
  /** Requests per key (or per IP without a key) per window; `false` turns rate limiting off. */
  readonly rateLimit: { readonly max: number; readonly windowMs: number } | false;
  /** Origins allowed to call the API from a browser; empty = CORS off (no CORS headers at all). */
  readonly corsOrigins: readonly string[];
  /** Largest accepted body in bytes (a batch of events is the biggest thing clients send). */
  readonly bodyLimit: number;
  /** Folder with the built browser app (web/dist); served at `/` when it exists. */
  readonly webDist: string | null;
  /** pino logging of every request; off in tests. */
  readonly logRequests: boolean;
  /** How long a verified API key is trusted from memory before the database is asked again. */
  readonly keyCacheMs: number;
};

export const DEFAULT_SERVER_CONFIG: ServerConfig = Object.freeze({
  host: "127.0.0.1",
  port: 3000,
  rateLimit: Object.freeze({ max: 1000, windowMs: 1000 }),
  corsOrigins: Object.freeze([]) as readonly string[],
  bodyLimit: 5 * 1024 * 1024,
  webDist: null,
  logRequests: false,
  keyCacheMs: 5000,
});

/** Fills the blanks of a partial config with the defaults and freezes it. */
export function serverConfig(partial: Partial<ServerConfig> = {}): ServerConfig {
  return Object.freeze({ ...DEFAULT_SERVER_CONFIG, ...partial });
}
