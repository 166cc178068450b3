import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Throughput per hour, the city load over the day, and tickets left unserved at closing time.
 *
 * - `cs.permit_issue`: one row per permit issued (work and residence permit), from the other
 *   subgraphs' `*.issued` events. Its primary key makes a redelivered or duplicated event a
 *   no-op, so the hourly counts can never count a permit twice; accepted and claimed are
 *   counted from `cs.acceptance` and `cs.claim`, which hold one row per case already.
 * - Time indexes for the hourly counts and the load history (one day's rows by range).
 * - `UNSERVED`: a ticket still waiting when its counter closes for the day.
 */
export class CsThroughputAndUnserved1764201604000 implements MigrationInterface {
  name = 'CsThroughputAndUnserved1764201604000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cs.permit_issue (
        case_id text NOT NULL,
        permit text NOT NULL CHECK (permit IN ('WORK_PERMIT', 'RESIDENCE_PERMIT')),
        issued_at timestamptz NOT NULL,
        event_id bigint NOT NULL,
        PRIMARY KEY (case_id, permit)
      )`);
    await q.query(`CREATE INDEX "IDX_permit_issue_issued_at" ON cs.permit_issue (issued_at)`);
    await q.query(`CREATE INDEX "IDX_acceptance_accepted_at" ON cs.acceptance (accepted_at)`);
    await q.query(`CREATE INDEX "IDX_claim_claimed_at" ON cs.claim (claimed_at)`);

    await q.query(`ALTER TABLE cs.ticket DROP CONSTRAINT ticket_status_check`);
    await q.query(
      `ALTER TABLE cs.ticket ADD CONSTRAINT ticket_status_check CHECK (status IN ('WAITING', 'CALLED', 'SERVING', 'DONE', 'MISSED', 'UNSERVED'))`,
    );
    // The closing sweep runs every second: it reads only the tickets still waiting.
    await q.query(`CREATE INDEX "IDX_ticket_waiting" ON cs.ticket (service_date, counter_id) WHERE status = 'WAITING'`);
    // The load history reads one day's tickets of every counter.
    await q.query(`CREATE INDEX "IDX_ticket_service_date" ON cs.ticket (service_date, issued_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX cs."IDX_ticket_service_date"`);
    await q.query(`DROP INDEX cs."IDX_ticket_waiting"`);
    await q.query(`UPDATE cs.ticket SET status = 'MISSED' WHERE status = 'UNSERVED'`);
    await q.query(`ALTER TABLE cs.ticket DROP CONSTRAINT ticket_status_check`);
    await q.query(
      `ALTER TABLE cs.ticket ADD CONSTRAINT ticket_status_check CHECK (status IN ('WAITING', 'CALLED', 'SERVING', 'DONE', 'MISSED'))`,
    );
    await q.query(`DROP INDEX cs."IDX_claim_claimed_at"`);
    await q.query(`DROP INDEX cs."IDX_acceptance_accepted_at"`);
    await q.query(`DROP TABLE cs.permit_issue`);
  }
}
