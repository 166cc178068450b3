import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The search by passport number (officers and clerks): an index on the applicant's passport
 * number, and access-log rows for a search that found no case (no case id).
 */
export class WpPassportSearch1764201605000 implements MigrationInterface {
  name = 'WpPassportSearch1764201605000';

  async up(q: QueryRunner): Promise<void> {
    // Filing stores the number trimmed and upper-cased and refuses inner spaces; make sure every
    // stored number has the normalised form the search compares with.
    await q.query(`
      UPDATE wp."case" SET applicant_passport_number = upper(regexp_replace(applicant_passport_number, '\\s', '', 'g'))
      WHERE applicant_passport_number <> upper(regexp_replace(applicant_passport_number, '\\s', '', 'g'))`);
    await q.query(`CREATE INDEX "IDX_case_passport_number" ON wp."case" (applicant_passport_number)`);
    await q.query(`ALTER TABLE wp.access_log ALTER COLUMN case_id DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM wp.access_log WHERE case_id IS NULL`);
    await q.query(`ALTER TABLE wp.access_log ALTER COLUMN case_id SET NOT NULL`);
    await q.query(`DROP INDEX wp."IDX_case_passport_number"`);
  }
}
