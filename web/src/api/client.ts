/**
 * The one place the browser talks to the Winnow API: JSON over fetch, signed in either with an API
 * key (sent as a bearer token) or with the session cookie of an email + password sign-in (the
 * browser sends the HttpOnly cookie itself; requests that change data add the X-Winnow-CSRF token).
 * Failures arrive as problem+json (RFC 9457) and are thrown as ApiError, carrying the
 * Winnow error code and the field paths the server blamed, so screens can say what to fix.
 */
export type ProblemIssue = { readonly path: string; readonly message: string };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: readonly ProblemIssue[];

  constructor(status: number, code: string, message: string, issues: readonly ProblemIssue[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.issues = issues;
  }

  /** The server has no such route: the feature is not offered by this server version. */
  get missingRoute(): boolean {
    return this.code === "WINNOW_ERR_ROUTE_NOT_FOUND";
  }
}

export type Query = Readonly<
  Record<string, string | number | boolean | null | undefined | readonly string[]>
>;

/** `/v1/leads` + `{ stage: ["mql","sal"], q: "acme" }` → `/v1/leads?stage=mql&stage=sal&q=acme`. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) for (const v of value as readonly string[]) params.append(key, v);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

type Json = Record<string, unknown>;

function asProblem(status: number, body: unknown): ApiError {
  const p = (body && typeof body === "object" ? body : {}) as Json;
  const code = typeof p["code"] === "string" ? p["code"] : `HTTP_${status}`;
  const detail =
    typeof p["detail"] === "string"
      ? p["detail"]
      : typeof p["title"] === "string"
        ? p["title"]
        : `The server answered ${status}`;
  const issues = Array.isArray(p["issues"])
    ? (p["issues"] as Json[]).map((i) => ({
        path: String(i["path"] ?? ""),
        message: String(i["message"] ?? ""),
      }))
    : [];
  return new ApiError(status, code, detail, issues);
}

/** How requests are signed: an API key, or the session cookie plus its CSRF token. */
export type Credentials = string | { readonly csrf: string };

export type Api = {
  /** The API key; empty when signed in with the session cookie. */
  readonly key: string;
  request<T>(method: string, path: string, options?: { body?: unknown; query?: Query }): Promise<T>;
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  del<T>(path: string): Promise<T>;
};

/** An API client bound to one key or session; `onUnauthorized` runs when the server no longer accepts it. */
export function createApi(credentials: Credentials, onUnauthorized: () => void, base = ""): Api {
  const key = typeof credentials === "string" ? credentials : "";
  async function request<T>(method: string, path: string, options: { body?: unknown; query?: Query } = {}) {
    const headers: Record<string, string> = { accept: "application/json" };
    if (typeof credentials === "string") headers["authorization"] = `Bearer ${credentials}`;
    else if (method !== "GET" && credentials.csrf) headers["x-winnow-csrf"] = credentials.csrf;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(base + withQuery(path, options.query), {
        method,
        headers,
        // The session cookie goes to our own origin only.
        credentials: "same-origin",
        body: options.body === undefined ? null : JSON.stringify(options.body),
      });
    } catch {
      throw new ApiError(0, "NETWORK", "The server did not answer. Check that `winnow serve` is running.");
    }
    const text = await response.text();
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (!response.ok) {
      const error = asProblem(response.status, body);
      if (response.status === 401) onUnauthorized();
      throw error;
    }
    return body as T;
  }
  return {
    key,
    request,
    get: (path, query) => request("GET", path, { query: query ?? {} }),
    post: (path, body) => request("POST", path, { body: body ?? {} }),
    put: (path, body) => request("PUT", path, { body: body ?? {} }),
    patch: (path, body) => request("PATCH", path, { body: body ?? {} }),
    del: (path) => request("DELETE", path),
  };
}
