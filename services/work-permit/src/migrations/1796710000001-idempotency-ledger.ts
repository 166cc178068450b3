import { importKeptKeys } from '@onestop/common';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { filingHash, filingRequest, type FilingInput } from '../modules/case/case-filing.rules.js';

/** A filed case's columns that make its filing, as stored (dates as text). */
interface FiledRow {
  id: string;
  agency_id: string;
  idempotency_key: string;
  filing_hash: string;
  submitted_at: Date;
  employer_id: string;
  route: FilingInput['route'];
  notification_letter_number: string | null;
  in_mainland_basis: FilingInput['inMainlandBasis'];
  current_work_permit_number: string | null;
  current_residence_permit_number: string | null;
  current_permits_expire_on: string | null;
  category: FilingInput['category'];
  points: number | null;
  applicant_full_name: string;
  applicant_nationality: string;
  applicant_passport_number: string;
  applicant_date_of_birth: string;
  applicant_sex: FilingInput['applicant']['sex'];
  applicant_household_registration: FilingInput['applicant']['householdRegistration'];
  attachments: string[];
  contract_ends_on: string;
  passport_expires_on: string;
}

const BATCH = 5000;

/**
 * One idempotency ledger (issue 17, decision 0022): `fileCase` replays through
 * `platform.idempotency_record` now, so every key kept on `wp.case` before is copied there
 * (subgraph `work-permit`, principal the filing agency, operation `fileCase`, the case as the
 * answer), and a retry of a filing made before the upgrade still replays.
 *
 * The request is rebuilt from the case's columns the way the new code computes it
 * (`filingRequest`). The columns hold the filing normalised (upper-cased numbers, trimmed
 * names) and, after a resubmission, corrected, while the key was given for the request as
 * sent; so the rebuilt request is used only when its hash is the stored `filing_hash`, which
 * proves it is exactly what was sent. Otherwise the row keeps that hash
 * (`{ "legacyFilingHash": … }`), and `fileCase`'s `sameAs` compares a retry's hash with it
 * (`case-filing-ledger.spec.ts` shows both kinds replaying and refusing another request).
 * The columns stay (`idempotency_key`, `filing_hash` are still written, as data).
 */
export class WpIdempotencyLedger1796710000001 implements MigrationInterface {
  name = 'WpIdempotencyLedger1796710000001';

  async up(q: QueryRunner): Promise<void> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows: FiledRow[] = await q.query(
        `SELECT id, agency_id, idempotency_key, filing_hash, submitted_at, employer_id, route,
                notification_letter_number, in_mainland_basis, current_work_permit_number,
                current_residence_permit_number, current_permits_expire_on::text AS current_permits_expire_on,
                category, points, applicant_full_name, applicant_nationality, applicant_passport_number,
                applicant_date_of_birth::text AS applicant_date_of_birth, applicant_sex,
                applicant_household_registration, attachments, contract_ends_on::text AS contract_ends_on,
                passport_expires_on::text AS passport_expires_on
           FROM wp."case" WHERE id > $1 ORDER BY id LIMIT ${BATCH}`,
        [after],
      );
      if (!rows.length) return;
      after = rows.at(-1)!.id;
      await importKeptKeys(
        q,
        'work-permit',
        rows.map((r) => {
          const rebuilt = filingOf(r);
          return {
            principal: r.agency_id,
            key: r.idempotency_key,
            operation: 'fileCase',
            request:
              filingHash(rebuilt) === r.filing_hash ? filingRequest(rebuilt) : { legacyFilingHash: r.filing_hash },
            resultId: r.id,
            createdAt: r.submitted_at,
          };
        }),
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // The old code checks keys on wp.case (still written); the ledger's filings are not read by it.
    await q.query(`DELETE FROM platform.idempotency_record WHERE subgraph = 'work-permit' AND operation = 'fileCase'`);
  }
}

/** The filing a case's columns describe, shaped as the agency sends it. */
function filingOf(r: FiledRow): FilingInput {
  return {
    idempotencyKey: r.idempotency_key,
    employerId: r.employer_id,
    route: r.route,
    notificationLetterNumber: r.notification_letter_number,
    inMainlandBasis: r.in_mainland_basis,
    renewal:
      r.route === 'RENEWAL'
        ? {
            currentWorkPermitNumber: r.current_work_permit_number ?? '',
            currentResidencePermitNumber: r.current_residence_permit_number ?? '',
            currentPermitsExpireOn: r.current_permits_expire_on ?? '',
          }
        : null,
    category: r.category,
    points: r.points,
    applicant: {
      fullName: r.applicant_full_name,
      nationality: r.applicant_nationality,
      passportNumber: r.applicant_passport_number,
      dateOfBirth: r.applicant_date_of_birth,
      sex: r.applicant_sex,
      householdRegistration: r.applicant_household_registration,
    },
    attachments: r.attachments,
    contractEndsOn: r.contract_ends_on,
    passportExpiresOn: r.passport_expires_on,
  };
}
