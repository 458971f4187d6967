import type { WebhookDelivery, WebhookRepository, WebhookSubscription } from "./api-ports.ts";
import { type ApiSql, instant, optionalInstant } from "./api-sql.ts";

type SubRow = {
  id: string;
  url: string;
  events: string[];
  secret: string;
  description: string | null;
  active: boolean;
  created_at: Date | string;
};
type DeliveryRow = {
  id: string;
  subscription_id: string;
  event: string;
  payload: string;
  status: WebhookDelivery["status"];
  attempts: number;
  next_attempt_at: Date | string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: Date | string;
  delivered_at: Date | string | null;
};

const SUB_COLUMNS = "id, url, events, secret, description, active, created_at";
const DELIVERY_COLUMNS =
  "id, subscription_id, event, payload, status, attempts, next_attempt_at, last_status, last_error, created_at, delivered_at";

const toSub = (r: SubRow): WebhookSubscription => ({
  id: r.id,
  url: r.url,
  events: r.events,
  secret: r.secret,
  description: r.description,
  active: r.active,
  createdAt: instant(r.created_at),
});

const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  event: r.event,
  payload: r.payload,
  status: r.status,
  attempts: Number(r.attempts),
  nextAttemptAt: optionalInstant(r.next_attempt_at),
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: instant(r.created_at),
  deliveredAt: optionalInstant(r.delivered_at),
});

/** Webhook subscriptions and the durable delivery log (the queue the dispatcher drains). */
export function sqlWebhookRepository(sql: ApiSql): WebhookRepository {
  return {
    async createSubscription(sub) {
      const { rows } = await sql.query<SubRow>(
        `INSERT INTO webhook_subscriptions (${SUB_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${SUB_COLUMNS}`,
        [sub.id, sub.url, [...sub.events], sub.secret, sub.description, sub.active, sub.createdAt],
      );
      return toSub(rows[0] as SubRow);
    },
    async listSubscriptions() {
      const { rows } = await sql.query<SubRow>(
        `SELECT ${SUB_COLUMNS} FROM webhook_subscriptions ORDER BY created_at, id`,
      );
      return rows.map(toSub);
    },
    async getSubscription(id) {
      const { rows } = await sql.query<SubRow>(
        `SELECT ${SUB_COLUMNS} FROM webhook_subscriptions WHERE id = $1`,
        [id],
      );
      return rows[0] ? toSub(rows[0]) : null;
    },
    async deleteSubscription(id) {
      const { rows } = await sql.query<{ id: string }>(
        "DELETE FROM webhook_subscriptions WHERE id = $1 RETURNING id",
        [id],
      );
      return rows.length > 0;
    },
    async enqueue({ ids, event, payload, at, subscriptionId }) {
      const { rows: subs } = await sql.query<{ id: string }>(
        "SELECT id FROM webhook_subscriptions WHERE active AND (($2::text IS NULL AND $1 = ANY(events)) OR id = $2) ORDER BY id",
        [event, subscriptionId ?? null],
      );
      if (subs.length === 0) return [];
      const deliveryIds = subs.map(() => ids());
      const { rows } = await sql.query<DeliveryRow>(
        `INSERT INTO webhook_deliveries (id, subscription_id, event, payload, status, attempts, next_attempt_at, created_at)
         SELECT d, s, $3, $4, 'pending', 0, $5, $5 FROM unnest($1::text[], $2::text[]) AS t(d, s)
         RETURNING ${DELIVERY_COLUMNS}`,
        [deliveryIds, subs.map((s) => s.id), event, payload, at],
      );
      return rows.map(toDelivery);
    },
    async claimDue(now, leaseUntil, limit) {
      const { rows } = await sql.query<DeliveryRow>(
        `UPDATE webhook_deliveries SET next_attempt_at = $2
         WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1
                      ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING ${DELIVERY_COLUMNS}`,
        [now, leaseUntil, limit],
      );
      return rows
        .map(toDelivery)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async recordAttempt(id, a) {
      const status = a.ok ? "succeeded" : a.nextAttemptAt === null ? "failed" : "pending";
      const { rows } = await sql.query<DeliveryRow>(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, status = $2, next_attempt_at = $3, last_status = $4,
           last_error = $5, delivered_at = CASE WHEN $6 THEN $7::timestamptz ELSE delivered_at END
         WHERE id = $1 RETURNING ${DELIVERY_COLUMNS}`,
        [id, status, a.ok ? null : a.nextAttemptAt, a.httpStatus, a.error, a.ok, a.at],
      );
      return rows[0] ? toDelivery(rows[0]) : null;
    },
    async deliveries({ subscriptionId, limit }) {
      const { rows } = await sql.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE ($1::text IS NULL OR subscription_id = $1)
         ORDER BY created_at DESC, id DESC LIMIT $2`,
        [subscriptionId ?? null, limit],
      );
      return rows.map(toDelivery);
    },
  };
}
