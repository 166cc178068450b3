import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counter operations (issue 6): opening-hours exceptions, the case-readiness projection,
 * appointments (with a lock row per slot), queue tickets, acceptances and claims, and the
 * gap-free number sequences. Invariants the database guards itself: one active appointment
 * per case, one open ticket per case, unique letter / receipt / ticket numbers.
 */
export class CsCounterOperations1764201603000 implements MigrationInterface {
  name = 'CsCounterOperations1764201603000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cs.counter_hours_exception (
        counter_id text NOT NULL,
        date date NOT NULL,
        closed boolean NOT NULL,
        opens text,
        closes text,
        reason text NOT NULL,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (counter_id, date),
        CHECK (closed OR (opens IS NOT NULL AND closes IS NOT NULL AND opens < closes))
      )`);

    // What counter-scheduling knows of each case, from the other subgraphs' events (decision 0003).
    await q.query(`
      CREATE TABLE cs.case_readiness (
        case_id text PRIMARY KEY,
        reference text,
        employer_id text,
        agency_id text,
        category text,
        pre_exam_passed boolean NOT NULL,
        wp_materials jsonb,
        rp_materials jsonb,
        interview jsonb,
        ready_for_claim boolean NOT NULL,
        withdrawn boolean NOT NULL,
        last_event_id bigint NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX "IDX_case_readiness_employer" ON cs.case_readiness (employer_id)`);

    // One row per (counter, slot start) that has ever been booked: bookings of a slot lock it
    // and count, so the last place can never be taken twice.
    await q.query(`
      CREATE TABLE cs.appointment_slot (
        counter_id text NOT NULL,
        slot_start timestamptz NOT NULL,
        PRIMARY KEY (counter_id, slot_start)
      )`);

    await q.query(`
      CREATE TABLE cs.appointment (
        id uuid PRIMARY KEY,
        case_id text NOT NULL,
        counter_id text NOT NULL,
        employer_id text,
        agency_id text NOT NULL,
        slot_start timestamptz NOT NULL,
        slot_end timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('BOOKED', 'CHECKED_IN', 'CANCELLED', 'RESCHEDULED', 'NO_SHOW')),
        letter_number text NOT NULL,
        replaces_id uuid,
        replaced_by_id uuid,
        reason text,
        idempotency_key text,
        booked_by text NOT NULL,
        booked_at timestamptz NOT NULL,
        cancelled_at timestamptz,
        checked_in_at timestamptz,
        no_show_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_appointment_letter_number" ON cs.appointment (letter_number)`);
    await q.query(`CREATE UNIQUE INDEX "UQ_appointment_idempotency" ON cs.appointment (agency_id, idempotency_key)`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_appointment_active_case" ON cs.appointment (case_id) WHERE status = 'BOOKED'`,
    );
    await q.query(`CREATE INDEX "IDX_appointment_counter_slot" ON cs.appointment (counter_id, slot_start)`);
    await q.query(`CREATE INDEX "IDX_appointment_case" ON cs.appointment (case_id)`);
    await q.query(`CREATE INDEX "IDX_appointment_no_show_due" ON cs.appointment (slot_end) WHERE status = 'BOOKED'`);

    await q.query(`
      CREATE TABLE cs.ticket (
        id uuid PRIMARY KEY,
        counter_id text NOT NULL,
        service_date date NOT NULL,
        seq integer NOT NULL,
        ticket_number text NOT NULL,
        case_id text NOT NULL,
        employer_id text,
        category text NOT NULL,
        appointment_id uuid,
        appointment_slot_start timestamptz,
        status text NOT NULL CHECK (status IN ('WAITING', 'CALLED', 'SERVING', 'DONE', 'MISSED')),
        window_number integer,
        issued_at timestamptz NOT NULL,
        called_at timestamptz,
        started_at timestamptz,
        completed_at timestamptz,
        issued_by text NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_ticket_counter_day_seq" ON cs.ticket (counter_id, service_date, seq)`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_ticket_open_case" ON cs.ticket (case_id) WHERE status IN ('WAITING', 'CALLED', 'SERVING')`,
    );
    await q.query(`CREATE INDEX "IDX_ticket_queue" ON cs.ticket (counter_id, service_date, status, seq)`);
    await q.query(`CREATE INDEX "IDX_ticket_case" ON cs.ticket (case_id)`);

    await q.query(`
      CREATE TABLE cs.acceptance (
        case_id text PRIMARY KEY,
        receipt_number text NOT NULL,
        counter_id text NOT NULL,
        employer_id text,
        accepted_at timestamptz NOT NULL,
        accepted_by text NOT NULL,
        issuance_due_at timestamptz NOT NULL,
        issuance_due_provisional boolean NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_acceptance_receipt_number" ON cs.acceptance (receipt_number)`);

    await q.query(`
      CREATE TABLE cs.claim (
        case_id text PRIMARY KEY,
        counter_id text NOT NULL,
        employer_id text,
        claimed_at timestamptz NOT NULL,
        claimed_by text NOT NULL
      )`);

    // Gap-free numbers: the next number is taken in the transaction that uses it, so a
    // rollback gives it back. Keys: ('AL', year), ('RA', year), ('TICKET:<counter>', yyyymmdd).
    await q.query(`
      CREATE TABLE cs.number_sequence (
        kind text NOT NULL,
        period integer NOT NULL,
        last_value integer NOT NULL,
        PRIMARY KEY (kind, period)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'number_sequence',
      'claim',
      'acceptance',
      'ticket',
      'appointment',
      'appointment_slot',
      'case_readiness',
      'counter_hours_exception',
    ]) {
      await q.query(`DROP TABLE cs.${t}`);
    }
  }
}
