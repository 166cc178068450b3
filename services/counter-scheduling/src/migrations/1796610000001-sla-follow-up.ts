import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SLA work list (issue 13):
 * - `cs.sla_follow_up`: one row per clock someone took up: the threshold acknowledged (a breach
 *   after an acknowledged warning is new again), by whom and when, and the person assigned.
 * - `cs.sla_follow_up_entry`: the audit, one row per acknowledgement, assignment and note, with
 *   who (id, name, role) and when; notes live only here.
 * - `cs.staff_member`: the staff who opened the work list or acted on it, the people an entry
 *   can be assigned to (counter-scheduling does not read the identity provider's accounts).
 * - A partial index for the warnings on the list (running clocks past a warning threshold).
 */
export class CsSlaFollowUp1796610000001 implements MigrationInterface {
  name = 'CsSlaFollowUp1796610000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE cs.sla_follow_up (
      clock_id uuid PRIMARY KEY REFERENCES cs.sla_clock (id),
      acknowledged_threshold integer,
      acknowledged_at timestamptz,
      acknowledged_by_id text,
      acknowledged_by_name text,
      acknowledged_by_role text,
      assignee_id text,
      assignee_name text,
      assignee_role text,
      assigned_at timestamptz,
      updated_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE cs.sla_follow_up_entry (
      id uuid PRIMARY KEY,
      clock_id uuid NOT NULL REFERENCES cs.sla_clock (id),
      action text NOT NULL CHECK (action IN ('ACKNOWLEDGED', 'ASSIGNED', 'NOTED')),
      threshold integer,
      assignee_id text,
      assignee_name text,
      note text,
      actor_id text NOT NULL,
      actor_name text NOT NULL,
      actor_role text NOT NULL,
      at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX "IDX_sla_follow_up_entry_clock" ON cs.sla_follow_up_entry (clock_id, at, id)`);
    await q.query(`CREATE TABLE cs.staff_member (
      id text PRIMARY KEY,
      name text NOT NULL,
      role text NOT NULL,
      seen_at timestamptz NOT NULL
    )`);
    await q.query(
      `CREATE INDEX "IDX_sla_clock_warned" ON cs.sla_clock (due_at) WHERE state = 'RUNNING' AND last_threshold IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX cs."IDX_sla_clock_warned"`);
    await q.query(`DROP TABLE cs.staff_member`);
    await q.query(`DROP TABLE cs.sla_follow_up_entry`);
    await q.query(`DROP TABLE cs.sla_follow_up`);
  }
}
