import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The officers' work lists sorted by due across pages (issue 13, item 4): `cases(orderBy: DUE_ASC)`
 * orders by the clock open on the case: a SUBMITTED case's pre-examination due, an ACCEPTED
 * case's issuance due, every other case last.
 *
 * The issuance clock is counter-scheduling's; work-permit keeps a copy of its due
 * (`issuance_due_at`, `issuance_due_provisional`), taken from `case.documents-accepted` and
 * moved by `sla.deadline-changed` (kind ISSUANCE). Cases accepted before this migration are
 * backfilled from the event log: the latest of those two events per case. (A deadline event
 * the lifecycle consumer has not reached yet is applied when it gets there, as for any case.)
 *
 * The order's key is one expression, `COALESCE(CASE … END, 'infinity')`: never null, so the
 * keyset condition is a plain row comparison and cases with no open clock sort last. The index
 * is on that very expression (with id), so the list reads it in order and stops at the page.
 */
export class WpIssuanceDue1796650000001 implements MigrationInterface {
  name = 'WpIssuanceDue1796650000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE wp."case" ADD COLUMN issuance_due_at timestamptz`);
    await q.query(`ALTER TABLE wp."case" ADD COLUMN issuance_due_provisional boolean`);
    await q.query(`
      UPDATE wp."case" c
         SET issuance_due_at = d.due_at, issuance_due_provisional = d.provisional
        FROM (
          SELECT DISTINCT ON (e.payload->>'caseId')
                 e.payload->>'caseId' AS case_id,
                 (CASE WHEN e.type = 'case.documents-accepted' THEN e.payload->>'issuanceDueAt'
                       ELSE e.payload->>'dueAt' END)::timestamptz AS due_at,
                 (CASE WHEN e.type = 'case.documents-accepted' THEN e.payload->>'issuanceDueProvisional'
                       ELSE e.payload->>'provisional' END)::boolean AS provisional
            FROM platform.event_log e
           WHERE e.type = 'case.documents-accepted'
              OR (e.type = 'sla.deadline-changed' AND e.payload->>'kind' = 'ISSUANCE')
           ORDER BY e.payload->>'caseId', e.id DESC
        ) d
       WHERE c.id::text = d.case_id AND c.accepted_at IS NOT NULL`);
    await q.query(`
      CREATE INDEX "IDX_case_open_clock_due" ON wp."case" ((COALESCE(
        CASE WHEN status = 'SUBMITTED' THEN pre_exam_due_at WHEN status = 'ACCEPTED' THEN issuance_due_at END,
        'infinity'::timestamptz)), id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX wp."IDX_case_open_clock_due"`);
    await q.query(`ALTER TABLE wp."case" DROP COLUMN issuance_due_provisional`);
    await q.query(`ALTER TABLE wp."case" DROP COLUMN issuance_due_at`);
  }
}
