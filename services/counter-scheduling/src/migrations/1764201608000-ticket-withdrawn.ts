import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `WITHDRAWN`: a ticket still waiting when the agency withdrew its case leaves the queue with
 * an outcome of its own (`queue.ticket-withdrawn`), so the clerk's `callNext` never calls a
 * withdrawn case and the live load stops counting it as waiting. Neither UNSERVED (the counter
 * closed) nor MISSED (called, never came) says what happened. No index changes: the partial
 * indexes of open tickets (`UQ_ticket_open_case`, `IDX_ticket_unfinished`) already leave every
 * finished status out.
 */
export class CsTicketWithdrawn1764201608000 implements MigrationInterface {
  name = 'CsTicketWithdrawn1764201608000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cs.ticket DROP CONSTRAINT ticket_status_check`);
    await q.query(
      `ALTER TABLE cs.ticket ADD CONSTRAINT ticket_status_check CHECK (status IN ('WAITING', 'CALLED', 'SERVING', 'DONE', 'MISSED', 'UNSERVED', 'WITHDRAWN'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // The closest earlier outcome: the applicant left the queue without being called.
    await q.query(`UPDATE cs.ticket SET status = 'UNSERVED' WHERE status = 'WITHDRAWN'`);
    await q.query(`ALTER TABLE cs.ticket DROP CONSTRAINT ticket_status_check`);
    await q.query(
      `ALTER TABLE cs.ticket ADD CONSTRAINT ticket_status_check CHECK (status IN ('WAITING', 'CALLED', 'SERVING', 'DONE', 'MISSED', 'UNSERVED'))`,
    );
  }
}
