import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RpInit1764201600002 implements MigrationInterface {
  name = 'RpInit1764201600002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rp.residence_permit (
        id uuid PRIMARY KEY,
        case_id uuid NOT NULL,
        employer_id uuid NOT NULL,
        status text NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX "IDX_residence_permit_case_id" ON rp.residence_permit (case_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rp.residence_permit`);
  }
}
