import type { ReactNode } from "react";
import { ApiError } from "../api/client.ts";

/** What to tell the user for a failure: the server's own words, plus what to do about it. */
export function adviceFor(error: unknown): { title: string; detail: string; todo: string } {
  if (error instanceof ApiError) {
    if (error.missingRoute)
      return {
        title: "Not available on this server",
        detail: error.message,
        todo: "This server version does not offer this part of the API yet. Update Winnow and restart `winnow serve`.",
      };
    if (error.status === 0)
      return {
        title: "Cannot reach the server",
        detail: error.message,
        todo: "Start it with `npm start`, then retry.",
      };
    if (error.status === 401)
      return { title: "Signed out", detail: error.message, todo: "Sign in again with a valid API key." };
    if (error.status === 403)
      return {
        title: "Not allowed",
        detail: error.message,
        todo: "Ask an admin for a key with the right role.",
      };
    if (error.status === 409)
      return {
        title: "Changed meanwhile",
        detail: error.message,
        todo: "Someone else changed this record: reload and try again.",
      };
    if (error.status === 422 || error.status === 400) {
      const where = error.issues.map((i) => `${i.path}: ${i.message}`).join("; ");
      return {
        title: "Please check the input",
        detail: where || error.message,
        todo: "Correct the fields named above.",
      };
    }
    if (error.status === 429)
      return { title: "Too many requests", detail: error.message, todo: "Wait a moment and retry." };
    return {
      title: `Server error (${error.code})`,
      detail: error.message,
      todo: "Retry; if it persists, check the server log.",
    };
  }
  return {
    title: "Something went wrong",
    detail: error instanceof Error ? error.message : String(error),
    todo: "Reload the page.",
  };
}

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const a = adviceFor(error);
  return (
    <div className="notice notice-error" role="alert">
      <strong>{a.title}.</strong> {a.detail} <span className="todo">{a.todo}</span>
      {onRetry ? (
        <button type="button" className="link" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <strong>{title}</strong>
      {children ? <div>{children}</div> : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}
