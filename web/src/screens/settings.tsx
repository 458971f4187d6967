import { CustomFrameworksPanel, CustomQuestionsPanel } from "./settings-custom.tsx";
import { FrameworksPanel, LifecyclePanel } from "./settings-frameworks.tsx";
import { IcpPanel } from "./settings-icp.tsx";
import { KeysPanel } from "./settings-keys.tsx";
import { SlaPanel } from "./settings-sla.tsx";
import { WebhooksPanel } from "./settings-webhooks.tsx";

/**
 * Settings (admin): the workspace playbook (ICP, SLA policy, custom frameworks and questions, each
 * saved as a new version), API keys, webhooks with their delivery log, and the rules not edited here.
 */
export function Settings() {
  return (
    <div>
      <h1>Settings</h1>
      <div className="grid" style={{ marginTop: "1rem" }}>
        <IcpPanel />
        <SlaPanel />
      </div>
      <div className="grid" style={{ marginTop: "1rem" }}>
        <CustomFrameworksPanel />
        <CustomQuestionsPanel />
      </div>
      <div style={{ marginTop: "1rem" }}>
        <KeysPanel />
        <WebhooksPanel />
      </div>
      <div className="grid" style={{ marginTop: "1rem" }}>
        <FrameworksPanel />
        <LifecyclePanel />
      </div>
    </div>
  );
}
