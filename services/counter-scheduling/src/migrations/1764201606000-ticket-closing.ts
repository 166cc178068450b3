import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Closing time closes the whole day's queue, not only the waiting tickets: a ticket still
 * called (MISSED) or being served (DONE) at a window is closed too, so the closing sweep reads
 * every unfinished ticket. Its partial index replaces the one of waiting tickets; both hold
 * only the few tickets of the day still open. Tickets an earlier day left at a window need no
 * data change here: the sweep closes them on its first pass after start-up.
 */
export class CsTicketClosing1764201606000 implements MigrationInterface {
  name = 'CsTicketClosing1764201606000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "IDX_ticket_unfinished" ON cs.ticket (service_date, counter_id) WHERE status IN ('WAITING', 'CALLED', 'SERVING')`,
    );
    await q.query(`DROP INDEX cs."IDX_ticket_waiting"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "IDX_ticket_waiting" ON cs.ticket (service_date, counter_id) WHERE status = 'WAITING'`);
    await q.query(`DROP INDEX cs."IDX_ticket_unfinished"`);
  }
}
