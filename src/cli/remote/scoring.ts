import { isWinnowError, WinnowError } from "../../core/errors.ts";
import type { StoredScoringModel } from "../../storage/ports.ts";
import type { RescoreJob } from "../../storage/rescore-jobs.ts";
import type { RemoteClient } from "./client.ts";

/**
 * Remote helpers for `score`, `backtest` and `train-db`: the server's scoring models and the
 * progress of its rescore jobs (polled, since a job runs in the server).
 */

/** A model as the publish / default routes answer it: with the rescore it started, if any. */
export type RemoteModelWithRescore = StoredScoringModel & { readonly rescore: RescoreJob | null };

const modelPath = (id: string) => `/v1/scoring-models/${encodeURIComponent(id)}`;

/** The stored model with this id, or null when the server has none (404). */
export async function remoteModel(remote: RemoteClient, id: string): Promise<StoredScoringModel | null> {
  try {
    return await remote.json<StoredScoringModel>(modelPath(id));
  } catch (e) {
    if (isWinnowError(e) && e.status === 404) return null;
    throw e;
  }
}

/** The server's default scoring model, or null. */
export async function remoteDefaultModel(remote: RemoteClient): Promise<StoredScoringModel | null> {
  const { data } = await remote.json<{ data: StoredScoringModel[] }>("/v1/scoring-models");
  return data.find((m) => m.isDefault) ?? null;
}

export function remoteCreateDraft(remote: RemoteClient, document: unknown): Promise<StoredScoringModel> {
  return remote.json<StoredScoringModel>("/v1/scoring-models", { body: { document } });
}

export function remotePublish(
  remote: RemoteClient,
  id: string,
  makeDefault: boolean,
): Promise<RemoteModelWithRescore> {
  return remote.json<RemoteModelWithRescore>(`${modelPath(id)}/publish`, {
    body: makeDefault ? { default: true } : {},
  });
}

export function remoteStartRescore(remote: RemoteClient, id: string): Promise<RescoreJob> {
  return remote.json<RescoreJob>(`${modelPath(id)}/rescore`, { method: "POST" });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Follows a rescore job the server started by polling GET /v1/scoring-models/:id/rescore until it is
 * no longer running, reporting progress as it goes; a failed job is an error, as locally.
 */
export async function followRescore(
  remote: RemoteClient,
  started: RescoreJob,
  onProgress: (processed: number, total: number, crossings: number) => void,
  intervalMs = 250,
): Promise<RescoreJob> {
  let job = started;
  while (job.state === "running") {
    if (job.processed > 0) onProgress(job.processed, job.total, job.crossings);
    await sleep(intervalMs);
    const latest = await remote.json<RescoreJob>(`${modelPath(job.modelId)}/rescore`);
    // A newer job with this model (someone rescored again) supersedes the one we started.
    job = latest;
  }
  onProgress(job.processed, job.total, job.crossings);
  if (job.state === "failed")
    throw new WinnowError("WINNOW_ERR_INTERNAL", {
      message: `The rescore failed: ${job.error ?? "unknown"}`,
    });
  return job;
}

/** The server's own words for an error (without the "<url> answered 422: " the client adds). */
export function serverDetail(remote: RemoteClient, e: WinnowError): string {
  const m = /^\S+ answered \d{3}: /.exec(e.message);
  return m && e.message.startsWith(remote.target.url) ? e.message.slice(m[0].length) : e.message;
}

/** Refuses a flag that has no meaning through a server, saying what to do instead. */
export function refuseRemote(what: string, instead: string): never {
  throw new WinnowError("WINNOW_ERR_USAGE", { message: `${what} cannot work with --url: ${instead}` });
}
