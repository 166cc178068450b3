import type { DataSource } from 'typeorm';
import { type Clock } from '@onestop/common';
import { DEMO_AGENCIES, DEMO_EMPLOYERS } from '@onestop/common/testing';

/** One registered handler per demo employer, with fixed ids, so demos can name them. */
export const DEMO_HANDLERS = [
  { id: 'c1d2e3f4-0000-4a00-8b00-000000000001', employerId: DEMO_EMPLOYERS[0].id, fullName: 'Wang Fang' },
  { id: 'c1d2e3f4-0000-4a00-8b00-000000000002', employerId: DEMO_EMPLOYERS[1].id, fullName: 'Li Wei' },
  { id: 'c1d2e3f4-0000-4a00-8b00-000000000003', employerId: DEMO_EMPLOYERS[2].id, fullName: 'Zhang Min' },
  { id: 'c1d2e3f4-0000-4a00-8b00-000000000004', employerId: DEMO_EMPLOYERS[3].id, fullName: 'Liu Yang' },
] as const;

/**
 * Inserts the demo employers, their handlers, the demo agencies and their entrustments where
 * missing (development and test only). Idempotent: a restart, or several instances starting
 * at once, insert nothing twice and never overwrite a manager's edits.
 */
export async function seedDemoEmployers(ds: DataSource, clock: Clock): Promise<void> {
  const now = clock.now();
  await ds.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO wp.employer (id, name, credit_code, created_at)
       SELECT t.id, t.name, t.code, $4 FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, name, code)
       ON CONFLICT DO NOTHING`,
      [
        DEMO_EMPLOYERS.map((e) => e.id),
        DEMO_EMPLOYERS.map((e) => e.name),
        DEMO_EMPLOYERS.map((e) => e.creditCode),
        now,
      ],
    );
    await tx.query(
      `INSERT INTO wp.employer_handler (id, employer_id, full_name, created_at)
       SELECT t.id, t.employer_id, t.full_name, $4 FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS t(id, employer_id, full_name)
       WHERE EXISTS (SELECT 1 FROM wp.employer e WHERE e.id = t.employer_id)
       ON CONFLICT DO NOTHING`,
      [
        DEMO_HANDLERS.map((h) => h.id),
        DEMO_HANDLERS.map((h) => h.employerId),
        DEMO_HANDLERS.map((h) => h.fullName),
        now,
      ],
    );
    await tx.query(
      `INSERT INTO wp.agency (id, name, created_at)
       SELECT t.id, t.name, $3 FROM unnest($1::uuid[], $2::text[]) AS t(id, name)
       ON CONFLICT DO NOTHING`,
      [DEMO_AGENCIES.map((a) => a.id), DEMO_AGENCIES.map((a) => a.name), now],
    );
    const pairs = DEMO_AGENCIES.flatMap((a) => a.employerIds.map((e) => [a.id, e] as const));
    await tx.query(
      `INSERT INTO wp.agency_employer (agency_id, employer_id)
       SELECT t.a, t.e FROM unnest($1::uuid[], $2::uuid[]) AS t(a, e)
       WHERE EXISTS (SELECT 1 FROM wp.agency a WHERE a.id = t.a) AND EXISTS (SELECT 1 FROM wp.employer e WHERE e.id = t.e)
       ON CONFLICT DO NOTHING`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
  });
}
