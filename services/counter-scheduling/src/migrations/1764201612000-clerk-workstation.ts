import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The counter workstation (issue 12):
 * - `cs.counter_window`: who is at which window of a counter, per day. A window is open from
 *   `openWindow` (or the first `callNext` to it) until `closeWindow`, the clerk moving to another
 *   window, or the end of the day (only today's open windows count as open). At most one open
 *   session per window and day, and one per clerk and day (the partial unique indexes).
 * - `cs.clerk_request`: idempotency keys of clerk mutations, per clerk: a retried request with
 *   the same key answers what the first did instead of doing it twice.
 * - `cs.ticket.recalled_at` / `recalls`: a called ticket announced again (the hall display
 *   shows the most recent calls first).
 */
export class CsClerkWorkstation1764201612000 implements MigrationInterface {
  name = 'CsClerkWorkstation1764201612000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE cs.counter_window (
      id uuid PRIMARY KEY,
      counter_id text NOT NULL,
      window_number integer NOT NULL CHECK (window_number >= 1),
      service_date date NOT NULL,
      clerk_id text NOT NULL,
      clerk_name text NOT NULL,
      opened_at timestamptz NOT NULL,
      closed_at timestamptz,
      closed_by text
    )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_counter_window_open" ON cs.counter_window (counter_id, window_number, service_date) WHERE closed_at IS NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_counter_window_clerk_open" ON cs.counter_window (clerk_id, service_date) WHERE closed_at IS NULL`,
    );
    await q.query(`CREATE INDEX "IDX_counter_window_day" ON cs.counter_window (service_date, counter_id)`);
    await q.query(`CREATE TABLE cs.clerk_request (
      actor_id text NOT NULL,
      idempotency_key text NOT NULL,
      operation text NOT NULL,
      request jsonb NOT NULL,
      result_id text,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (actor_id, idempotency_key)
    )`);
    await q.query(
      `ALTER TABLE cs.ticket ADD COLUMN recalled_at timestamptz, ADD COLUMN recalls integer NOT NULL DEFAULT 0`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cs.ticket DROP COLUMN recalls, DROP COLUMN recalled_at`);
    await q.query(`DROP TABLE cs.clerk_request`);
    await q.query(`DROP TABLE cs.counter_window`);
  }
}
