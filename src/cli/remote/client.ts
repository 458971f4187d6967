import { ERRORS, type ErrorCode, type Issue, WinnowError } from "../../core/errors.ts";
import { io } from "../io.ts";

/**
 * Remote mode of the CLI: with `--url` (or WINNOW_URL) a command talks to a running `winnow serve`
 * over HTTP with an API key (`--key` or WINNOW_API_KEY) instead of opening the database. Errors the
 * server answers (problem+json) come back as the same WinnowError codes, so messages and exit codes
 * are the ones the local command would give.
 */

/** Spread into a command's `args` to accept `--url` and `--key`. */
export const REMOTE_ARGS = {
  url: {
    type: "string",
    description: "Talk to a running Winnow server at this URL instead of the database (else WINNOW_URL)",
  },
  key: { type: "string", description: "API key for --url (else WINNOW_API_KEY)" },
} as const;

export type RemoteTarget = { readonly url: string; readonly key: string };

/** The server to talk to, or null for local mode. A URL without a key is a usage error. */
export function remoteTarget(args: {
  readonly url?: string | undefined;
  readonly key?: string | undefined;
}): RemoteTarget | null {
  const env = io().env;
  const url = args.url ?? env["WINNOW_URL"];
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("not http");
  } catch {
    throw new WinnowError("WINNOW_ERR_USAGE", {
      message: `--url "${url}" is not an http:// or https:// address`,
    });
  }
  const key = args.key ?? env["WINNOW_API_KEY"];
  if (!key)
    throw new WinnowError("WINNOW_ERR_USAGE", {
      message: "--url needs an API key: --key <key> or WINNOW_API_KEY (winnow keys create makes one)",
    });
  return { url: parsed.toString().replace(/\/+$/, ""), key };
}

type Problem = {
  readonly code?: unknown;
  readonly detail?: unknown;
  readonly title?: unknown;
  readonly issues?: unknown;
  readonly details?: unknown;
};

const knownCode = (code: unknown): code is ErrorCode => typeof code === "string" && code in ERRORS;

/** The status class's generic code, for answers that are not Winnow problems (a proxy's 502). */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return "WINNOW_ERR_UNAUTHORIZED";
  if (status === 403) return "WINNOW_ERR_FORBIDDEN";
  if (status === 404) return "WINNOW_ERR_NOT_FOUND";
  if (status === 409) return "WINNOW_ERR_CONFLICT";
  if (status === 400 || status === 422) return "WINNOW_ERR_VALIDATION";
  return "WINNOW_ERR_REMOTE";
}

/** Turns a non-2xx answer into a WinnowError with the server's code, message and issues. */
export async function problemError(res: Response, what: string): Promise<WinnowError> {
  const text = await res.text();
  let body: Problem = {};
  try {
    body = JSON.parse(text) as Problem;
  } catch {
    // not JSON: keep the first line of the text as the message
  }
  const code = knownCode(body.code) ? body.code : codeForStatus(res.status);
  const detail =
    typeof body.detail === "string"
      ? body.detail
      : `${res.status} ${res.statusText}${text ? `: ${text.split("\n")[0]?.slice(0, 200)}` : ""}`;
  const issues = Array.isArray(body.issues)
    ? (body.issues as Issue[]).filter((i) => typeof i?.path === "string" && typeof i?.message === "string")
    : [];
  return new WinnowError(code, {
    message: `${what}: ${detail}`,
    issues,
    ...(body.details && typeof body.details === "object"
      ? { details: body.details as Record<string, unknown> }
      : {}),
  });
}

export type RemoteRequest = {
  readonly method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** JSON-encoded unless it is a string or a stream (sent as is with `contentType`). */
  readonly body?: unknown;
  readonly contentType?: string;
};

export type RemoteClient = {
  readonly target: RemoteTarget;
  /** Sends a request and returns the 2xx response (not read yet); anything else throws. */
  send(path: string, request?: RemoteRequest): Promise<Response>;
  /** Sends a request and parses the JSON answer. */
  json<T>(path: string, request?: RemoteRequest): Promise<T>;
};

/** An HTTP client for one server and key. */
export function remoteClient(target: RemoteTarget): RemoteClient {
  async function send(path: string, r: RemoteRequest = {}): Promise<Response> {
    const url = new URL(`${target.url}${path}`);
    for (const [k, v] of Object.entries(r.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
      authorization: `Bearer ${target.key}`,
      accept: "application/json",
    };
    let body: BodyInit | undefined;
    let duplex: "half" | undefined;
    if (r.body !== undefined) {
      if (typeof r.body === "string") body = r.body;
      else if (r.body instanceof ReadableStream) {
        body = r.body;
        duplex = "half";
      } else body = JSON.stringify(r.body);
      headers["content-type"] = r.contentType ?? "application/json";
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method: r.method ?? (r.body === undefined ? "GET" : "POST"),
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(duplex ? { duplex } : {}),
      } as RequestInit);
    } catch (cause) {
      const reason =
        cause instanceof Error && cause.cause instanceof Error ? cause.cause.message : String(cause);
      throw new WinnowError("WINNOW_ERR_REMOTE", {
        message: `Cannot reach the Winnow server at ${target.url} (${reason})`,
        cause,
      });
    }
    if (!res.ok) throw await problemError(res, `${target.url} answered ${res.status}`);
    return res;
  }
  return {
    target,
    send,
    async json<T>(path: string, r?: RemoteRequest) {
      return (await (await send(path, r)).json()) as T;
    },
  };
}

/** The client for `args`, or null when the command runs locally. */
export function remoteFor(args: {
  readonly url?: string | undefined;
  readonly key?: string | undefined;
}): RemoteClient | null {
  const target = remoteTarget(args);
  return target ? remoteClient(target) : null;
}
