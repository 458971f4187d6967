import { FrameworksPanel, LifecyclePanel } from "./settings-frameworks.tsx";
import { KeysPanel } from "./settings-keys.tsx";
import { UsersPanel } from "./settings-users.tsx";
import { WebhooksPanel } from "./settings-webhooks.tsx";

/** Settings (admin): API keys, webhooks with their delivery log, and the workspace configuration. */
export function Settings() {
  return (
    <div>
      <h1>Settings</h1>
      <UsersPanel />
      <KeysPanel />
      <WebhooksPanel />
      <div className="grid" style={{ marginTop: "1rem" }}>
        <LifecyclePanel />
        <FrameworksPanel />
      </div>
    </div>
  );
}
