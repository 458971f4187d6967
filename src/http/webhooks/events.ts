/** What subscribers can listen to. `webhook.ping` is sent by `POST /v1/webhooks/:id/ping` only. */
export const WEBHOOK_EVENTS = [
  "lead.stage_changed",
  "lead.threshold_crossed",
  "lead.sla_breached",
  "webhook.ping",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
