import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The work-permit schema: employers and the agencies they entrust, cases (one per
 * application, both permits together), the per-year reference counter, the timeline, the
 * work-permit materials checklist and the personal-data access log.
 *
 * Indexes are designed for a million cases: every list is keyset-paginated on
 * (sort key, id), so each filter that matters has a btree ending in those two columns, and
 * the SLA-critical "open and overdue" view has a small partial index of SUBMITTED cases only.
 */
export class WpInit1764201600001 implements MigrationInterface {
  name = 'WpInit1764201600001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE wp.employer (
        id          uuid PRIMARY KEY,
        name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        credit_code text NOT NULL CHECK (credit_code ~ '^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$'),
        created_at  timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX "IDX_employer_credit_code" ON wp.employer (credit_code)`);

    await q.query(`
      CREATE TABLE wp.employer_handler (
        id          uuid PRIMARY KEY,
        employer_id uuid NOT NULL CONSTRAINT "FK_employer_handler_employer" REFERENCES wp.employer (id),
        full_name   text NOT NULL,
        created_at  timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX "IDX_employer_handler_employer" ON wp.employer_handler (employer_id)`);

    await q.query(`
      CREATE TABLE wp.agency (
        id         uuid PRIMARY KEY,
        name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX "IDX_agency_name" ON wp.agency (name)`);
    await q.query(`
      CREATE TABLE wp.agency_employer (
        agency_id   uuid NOT NULL CONSTRAINT "FK_agency_employer_agency" REFERENCES wp.agency (id),
        employer_id uuid NOT NULL CONSTRAINT "FK_agency_employer_employer" REFERENCES wp.employer (id),
        PRIMARY KEY (agency_id, employer_id)
      )`);
    await q.query(`CREATE INDEX "IDX_agency_employer_employer" ON wp.agency_employer (employer_id)`);

    // Gap-free references: one row per year, incremented under its row lock in the filing's transaction.
    await q.query(`
      CREATE TABLE wp.case_reference_counter (
        year       integer PRIMARY KEY,
        last_value integer NOT NULL CHECK (last_value BETWEEN 1 AND 999999)
      )`);

    await q.query(`
      CREATE TABLE wp."case" (
        id                               uuid PRIMARY KEY,
        reference                        text NOT NULL,
        employer_id                      uuid NOT NULL CONSTRAINT "FK_case_employer" REFERENCES wp.employer (id),
        agency_id                        text NOT NULL,
        filed_by                         text NOT NULL,
        idempotency_key                  text NOT NULL,
        filing_hash                      text NOT NULL,
        route                            text NOT NULL CHECK (route IN ('NOTIFICATION_LETTER', 'IN_MAINLAND', 'RENEWAL')),
        notification_letter_number       text,
        in_mainland_basis                text CHECK (in_mainland_basis IN ('CATEGORY_A_ANY_VALID_VISA', 'REUNION', 'TRANSFER', 'OTHER')),
        current_work_permit_number       text,
        current_residence_permit_number  text,
        current_permits_expire_on        date,
        category                         text NOT NULL CHECK (category IN ('A', 'B', 'C')),
        points                           integer,
        applicant_full_name              text NOT NULL,
        applicant_nationality            text NOT NULL CHECK (applicant_nationality ~ '^[A-Z]{3}$'),
        applicant_passport_number        text NOT NULL,
        applicant_date_of_birth          date NOT NULL,
        applicant_sex                    text NOT NULL CHECK (applicant_sex IN ('FEMALE', 'MALE', 'UNSPECIFIED')),
        -- NOT_CANCELLED can never be stored: such a person cannot be filed (seed §6.2).
        applicant_household_registration text NOT NULL CHECK (applicant_household_registration IN ('NEVER_REGISTERED', 'CANCELLED')),
        attachments                      jsonb NOT NULL,
        contract_ends_on                 date NOT NULL,
        passport_expires_on              date NOT NULL,
        status                           text NOT NULL CHECK (status IN ('SUBMITTED', 'RETURNED', 'PRE_EXAM_PASSED', 'APPOINTMENT_BOOKED', 'CHECKED_IN', 'ACCEPTED', 'READY_FOR_CLAIM', 'CLAIMED', 'WITHDRAWN')),
        submitted_at                     timestamptz NOT NULL,
        resubmitted_at                   timestamptz,
        pre_exam_started_at              timestamptz NOT NULL,
        pre_exam_due_at                  timestamptz NOT NULL,
        pre_exam_due_provisional         boolean NOT NULL,
        pre_exam_passed_at               timestamptz,
        return_items                     jsonb,
        returned_at                      timestamptz,
        return_count                     integer NOT NULL,
        presenter_kind                   text NOT NULL CHECK (presenter_kind IN ('REGISTERED_HANDLER', 'OTHER_STAFF')),
        presenter_handler_id             uuid,
        presenter_name                   text,
        appointment_id                   text,
        accepted_at                      timestamptz,
        receipt_number                   text,
        wp_status                        text NOT NULL CHECK (wp_status IN ('PENDING', 'ISSUED', 'REFUSED')),
        wp_permit_number                 text,
        wp_valid_from                    date,
        wp_valid_until                   date,
        wp_refusal_reasons               jsonb,
        wp_decided_at                    timestamptz,
        wp_decided_by                    text,
        rp_status                        text NOT NULL CHECK (rp_status IN ('PENDING', 'ISSUED', 'REFUSED')),
        rp_decided_at                    timestamptz,
        ready_at                         timestamptz,
        claimed_at                       timestamptz,
        withdrawn_at                     timestamptz,
        updated_at                       timestamptz NOT NULL,
        CHECK (points IS NULL OR points >= 0),
        CHECK (wp_status <> 'ISSUED' OR (wp_permit_number IS NOT NULL AND wp_valid_from IS NOT NULL AND wp_valid_until IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX "IDX_case_reference" ON wp."case" (reference)`);
    // Idempotent filing: one case per agency and key, even if two requests slip past the advisory lock.
    await q.query(`CREATE UNIQUE INDEX "IDX_case_idempotency" ON wp."case" (agency_id, idempotency_key)`);
    await q.query(
      `CREATE UNIQUE INDEX "IDX_case_wp_permit_number" ON wp."case" (wp_permit_number) WHERE wp_permit_number IS NOT NULL`,
    );
    // Keyset lists sorted by due time, then id: unfiltered, by status, by employer (agencies) and status.
    await q.query(`CREATE INDEX "IDX_case_due" ON wp."case" (pre_exam_due_at, id)`);
    await q.query(`CREATE INDEX "IDX_case_status_due" ON wp."case" (status, pre_exam_due_at, id)`);
    await q.query(
      `CREATE INDEX "IDX_case_employer_status_due" ON wp."case" (employer_id, status, pre_exam_due_at, id)`,
    );
    // The pre-examination queue (open cases only): overdue lists and calendar recomputation stay small at any volume.
    await q.query(`CREATE INDEX "IDX_case_open_due" ON wp."case" (pre_exam_due_at, id) WHERE status = 'SUBMITTED'`);
    // Keyset lists sorted by submission time (newest first).
    await q.query(`CREATE INDEX "IDX_case_submitted" ON wp."case" (submitted_at, id)`);
    await q.query(`CREATE INDEX "IDX_case_employer_submitted" ON wp."case" (employer_id, submitted_at, id)`);

    await q.query(`
      CREATE TABLE wp.case_timeline (
        id          bigserial PRIMARY KEY,
        case_id     uuid NOT NULL CONSTRAINT "FK_case_timeline_case" REFERENCES wp."case" (id),
        at          timestamptz NOT NULL,
        actor_id    text,
        actor_name  text,
        action      text NOT NULL,
        from_status text,
        to_status   text,
        note        text
      )`);
    await q.query(`CREATE INDEX "IDX_case_timeline_case" ON wp.case_timeline (case_id, id)`);

    await q.query(`
      CREATE TABLE wp.case_material (
        case_id          uuid NOT NULL CONSTRAINT "FK_case_material_case" REFERENCES wp."case" (id),
        item             text NOT NULL,
        present          boolean NOT NULL,
        verified_by      text NOT NULL,
        verified_by_name text NOT NULL,
        verified_at      timestamptz NOT NULL,
        PRIMARY KEY (case_id, item)
      )`);

    await q.query(`
      CREATE TABLE wp.access_log (
        id         bigserial PRIMARY KEY,
        actor_id   text NOT NULL,
        actor_role text NOT NULL,
        actor_name text NOT NULL,
        case_id    uuid NOT NULL,
        at         timestamptz NOT NULL,
        fields     text[] NOT NULL
      )`);
    await q.query(`CREATE INDEX "IDX_access_log_case" ON wp.access_log (case_id, id)`);
    await q.query(`CREATE INDEX "IDX_access_log_actor" ON wp.access_log (actor_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE wp.access_log`);
    await q.query(`DROP TABLE wp.case_material`);
    await q.query(`DROP TABLE wp.case_timeline`);
    await q.query(`DROP TABLE wp."case"`);
    await q.query(`DROP TABLE wp.case_reference_counter`);
    await q.query(`DROP TABLE wp.agency_employer`);
    await q.query(`DROP TABLE wp.agency`);
    await q.query(`DROP TABLE wp.employer_handler`);
    await q.query(`DROP TABLE wp.employer`);
  }
}
