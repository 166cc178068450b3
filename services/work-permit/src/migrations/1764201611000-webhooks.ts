import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partner webhooks (issue 15, decision 0011): an agency's endpoints, one delivery row per
 * (endpoint, event) written by the fan-out consumer, every attempt, and the notifications an
 * agency reads (an endpoint disabled after its retry window).
 */
export class WpWebhooks1764201611000 implements MigrationInterface {
  name = 'WpWebhooks1764201611000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE wp.webhook_endpoint (
        id uuid PRIMARY KEY,
        agency_id uuid NOT NULL CONSTRAINT "FK_webhook_endpoint_agency" REFERENCES wp.agency (id),
        url text NOT NULL,
        description text,
        event_types text[] NOT NULL,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_until timestamptz,
        enabled boolean NOT NULL DEFAULT true,
        disabled_at timestamptz,
        disabled_reason text,
        last_success_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A retried registration finds the endpoint it created (CONFLICT naming it) instead of a twin.
    await q.query(`CREATE UNIQUE INDEX "UQ_webhook_endpoint_agency_url" ON wp.webhook_endpoint (agency_id, url)`);
    await q.query(`
      CREATE TABLE wp.webhook_delivery (
        id text PRIMARY KEY,
        endpoint_id uuid NOT NULL CONSTRAINT "FK_webhook_delivery_endpoint" REFERENCES wp.webhook_endpoint (id) ON DELETE CASCADE,
        agency_id uuid NOT NULL,
        event_id bigint NOT NULL,
        event_type text NOT NULL,
        case_id uuid,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
        attempts int NOT NULL DEFAULT 0,
        round_attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        lease_token uuid,
        last_attempt_at timestamptz,
        last_response_code int,
        last_error text,
        delivered_at timestamptz,
        event_recorded_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_webhook_delivery_endpoint_event" UNIQUE (endpoint_id, event_id)
      )`);
    await q.query(
      `CREATE INDEX "IDX_webhook_delivery_due" ON wp.webhook_delivery (next_attempt_at) WHERE status = 'PENDING'`,
    );
    await q.query(`CREATE INDEX "IDX_webhook_delivery_agency" ON wp.webhook_delivery (agency_id, event_id DESC)`);
    await q.query(`
      CREATE TABLE wp.webhook_attempt (
        delivery_id text NOT NULL CONSTRAINT "FK_webhook_attempt_delivery" REFERENCES wp.webhook_delivery (id) ON DELETE CASCADE,
        attempt int NOT NULL,
        attempted_at timestamptz NOT NULL,
        response_code int,
        error text,
        duration_ms int NOT NULL,
        PRIMARY KEY (delivery_id, attempt)
      )`);
    await q.query(`
      CREATE TABLE wp.agency_notification (
        id uuid PRIMARY KEY,
        agency_id uuid NOT NULL,
        kind text NOT NULL,
        endpoint_id uuid,
        message text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX "IDX_agency_notification_agency" ON wp.agency_notification (agency_id, created_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE wp.agency_notification`);
    await q.query(`DROP TABLE wp.webhook_attempt`);
    await q.query(`DROP TABLE wp.webhook_delivery`);
    await q.query(`DROP TABLE wp.webhook_endpoint`);
  }
}
