import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The residence-permit schema: the permit (one per case, with interview facts, passport
 * custody and the decision), its materials checklist and its verifications. CHECK constraints
 * live here only (the database guards itself); their names end in `_check` so the start-up
 * drift check leaves them alone.
 */
export class RpInit1764201600002 implements MigrationInterface {
  name = 'RpInit1764201600002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rp.residence_permit (
        id uuid PRIMARY KEY,
        case_id uuid NOT NULL,
        case_reference text NOT NULL,
        employer_id uuid NOT NULL,
        agency_id text,
        category text NOT NULL,
        route text NOT NULL,
        applicant_date_of_birth date,
        filed_on date NOT NULL,
        submitted_at timestamptz NOT NULL,
        status text NOT NULL,
        claimed_grounds text[] NOT NULL,
        grounds_declared_by text,
        grounds_declared_at timestamptz,
        proxy_kind text,
        proxy_name text,
        proxy_id_copy_reference text,
        demanded_by text,
        demanded_by_name text,
        demand_reason text,
        demanded_at timestamptz,
        interview_required boolean NOT NULL,
        interview_completed boolean NOT NULL,
        interview_scheduled boolean NOT NULL,
        interview_reason text NOT NULL,
        documents_accepted_at timestamptz,
        receipt_number text,
        passport_held_since timestamptz,
        passport_held_counter_id text,
        passport_released_at timestamptz,
        passport_released_counter_id text,
        permit_number text,
        valid_from date,
        valid_until date,
        refusal_reasons text[],
        decided_by text,
        decided_by_name text,
        decided_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT residence_permit_status_check
          CHECK (status IN ('AWAITING_DOCUMENTS', 'UNDER_REVIEW', 'ISSUED', 'REFUSED', 'WITHDRAWN')),
        CONSTRAINT residence_permit_proxy_check
          CHECK (proxy_kind IS NULL OR (proxy_kind IN ('INVITING_UNIT', 'SPECIALISED_AGENCY') AND proxy_name IS NOT NULL AND proxy_id_copy_reference IS NOT NULL)),
        CONSTRAINT residence_permit_issued_check
          CHECK (status <> 'ISSUED' OR (permit_number IS NOT NULL AND valid_from IS NOT NULL AND valid_until > valid_from AND decided_at IS NOT NULL)),
        CONSTRAINT residence_permit_refused_check
          CHECK (status <> 'REFUSED' OR (cardinality(refusal_reasons) > 0 AND decided_at IS NOT NULL)),
        CONSTRAINT residence_permit_custody_check
          CHECK (passport_released_at IS NULL OR passport_held_since IS NOT NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX "IDX_residence_permit_case_id" ON rp.residence_permit (case_id)`);
    await q.query(`CREATE INDEX "IDX_residence_permit_employer_id" ON rp.residence_permit (employer_id)`);
    await q.query(`CREATE INDEX "IDX_residence_permit_queue" ON rp.residence_permit (status, submitted_at, id)`);
    await q.query(`CREATE INDEX "IDX_residence_permit_order" ON rp.residence_permit (submitted_at, id)`);
    await q.query(`CREATE UNIQUE INDEX "IDX_residence_permit_receipt_number" ON rp.residence_permit (receipt_number)`);
    await q.query(
      `CREATE INDEX "IDX_residence_permit_passport_held_since" ON rp.residence_permit (passport_held_since)`,
    );
    await q.query(`CREATE UNIQUE INDEX "IDX_residence_permit_permit_number" ON rp.residence_permit (permit_number)`);

    await q.query(`
      CREATE TABLE rp.material_item (
        permit_id uuid NOT NULL,
        item text NOT NULL,
        state text NOT NULL,
        application_form jsonb,
        note text,
        recorded_by text NOT NULL,
        recorded_by_name text NOT NULL,
        counter_id text,
        recorded_at timestamptz NOT NULL,
        CONSTRAINT "PK_material_item" PRIMARY KEY (permit_id, item),
        CONSTRAINT "FK_material_item_permit" FOREIGN KEY (permit_id) REFERENCES rp.residence_permit (id) ON DELETE CASCADE,
        CONSTRAINT material_item_item_check
          CHECK (item IN ('PASSPORT', 'APPLICATION_FORM', 'ACCOMMODATION_REGISTRATION', 'EMPLOYER_OPINION_LETTER')),
        CONSTRAINT material_item_state_check CHECK (state IN ('MISSING', 'PRESENT', 'VERIFIED'))
      )`);

    await q.query(`
      CREATE TABLE rp.verification (
        id uuid PRIMARY KEY,
        permit_id uuid NOT NULL,
        case_id uuid NOT NULL,
        kind text NOT NULL,
        scheduled_at timestamptz NOT NULL,
        location text,
        scheduled_by text NOT NULL,
        scheduled_by_name text NOT NULL,
        created_at timestamptz NOT NULL,
        outcome text,
        notes text,
        recorded_by text,
        recorded_by_name text,
        recorded_at timestamptz,
        CONSTRAINT "FK_verification_permit" FOREIGN KEY (permit_id) REFERENCES rp.residence_permit (id) ON DELETE CASCADE,
        CONSTRAINT verification_kind_check CHECK (kind IN ('FACE_TO_FACE_INTERVIEW', 'TELEPHONE_INTERVIEW', 'ON_SITE_INVESTIGATION')),
        CONSTRAINT verification_outcome_check
          CHECK ((outcome IS NULL AND recorded_at IS NULL) OR (outcome IN ('CONFIRMED', 'DISCREPANCY', 'NO_SHOW') AND recorded_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX "IDX_verification_permit_id" ON rp.verification (permit_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rp.verification`);
    await q.query(`DROP TABLE rp.material_item`);
    await q.query(`DROP TABLE rp.residence_permit`);
  }
}
