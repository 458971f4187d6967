import { loadWorkspaceSettings, type WorkspaceSettings } from "../app/workspace-settings.ts";
import { DEFAULT_LIFECYCLE_CONFIG, type LifecycleConfig } from "../core/lifecycle/config.ts";
import { type SettingsRepository, sqlSettingsRepository } from "../storage/settings-repo.ts";
import type { ApiContext } from "./context.ts";

/** The server's own lifecycle (WINNOW_LIFECYCLE_FILE or the built-in defaults), under stored settings. */
export const baseLifecycle = (ctx: ApiContext): LifecycleConfig =>
  ctx.deps.lifecycle ?? DEFAULT_LIFECYCLE_CONFIG;

/** The settings repository on the API's database. */
export const settingsRepo = (ctx: ApiContext): SettingsRepository =>
  sqlSettingsRepository(ctx.deps.storage.sql);

/**
 * The settings in force for this request: read from the database every time (a few rows), so a
 * save is in effect on the next request, on every server sharing the database.
 */
export function workspaceSettings(ctx: ApiContext): Promise<WorkspaceSettings> {
  return loadWorkspaceSettings(settingsRepo(ctx), baseLifecycle(ctx));
}
