import { useState } from "react";
import { CustomFrameworksPanel, CustomQuestionsPanel } from "./settings-custom.tsx";
import { FrameworksPanel, LifecyclePanel } from "./settings-frameworks.tsx";
import { IcpPanel } from "./settings-icp.tsx";
import { KeysPanel } from "./settings-keys.tsx";
import { SlaPanel } from "./settings-sla.tsx";
import { UsersPanel } from "./settings-users.tsx";
import { WebhooksPanel } from "./settings-webhooks.tsx";

/**
 * Settings (admin): the workspace playbook (ICP, SLA policy, custom frameworks and questions, each
 * saved as a new version), API keys, webhooks with their delivery log, and the rules not edited here.
 */
export function Settings() {
  // Bumped by a save of custom frameworks or questions, so the framework browser shows them.
  const [revision, setRevision] = useState(0);
  const bump = () => setRevision((r) => r + 1);
  return (
    <div>
      <h1>Settings</h1>
      <UsersPanel />
      <div className="grid" style={{ marginTop: "1rem" }}>
        <IcpPanel />
        <SlaPanel />
      </div>
      <div className="grid" style={{ marginTop: "1rem" }}>
        <CustomFrameworksPanel onSaved={bump} />
        <CustomQuestionsPanel onSaved={bump} />
      </div>
      <div style={{ marginTop: "1rem" }}>
        <KeysPanel />
        <WebhooksPanel />
      </div>
      <div className="grid" style={{ marginTop: "1rem" }}>
        <FrameworksPanel revision={revision} />
        <LifecyclePanel />
      </div>
    </div>
  );
}
