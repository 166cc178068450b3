import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WpInit1764201600001 implements MigrationInterface {
  name = 'WpInit1764201600001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE wp.employer (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        credit_code text NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX "IDX_employer_credit_code" ON wp.employer (credit_code)`);
    await q.query(`
      CREATE TABLE wp."case" (
        id uuid PRIMARY KEY,
        reference text NOT NULL,
        employer_id uuid NOT NULL,
        category text NOT NULL,
        route text NOT NULL,
        status text NOT NULL,
        applicant_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX "IDX_case_reference" ON wp."case" (reference)`);
    await q.query(`CREATE INDEX "IDX_case_employer_id" ON wp."case" (employer_id)`);
    await q.query(`CREATE INDEX "IDX_case_status" ON wp."case" (status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE wp."case"`);
    await q.query(`DROP TABLE wp.employer`);
  }
}
