import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OneStopClaims } from '@onestop/common';
import { DEMO_EMPLOYERS, startSubgraphTestRuntime, type SubgraphTestRuntime } from '@onestop/common/testing';
import { residencePermitSubgraph } from '../index.js';
import { RpVerificationKeysToLedger1796720000001 } from './1796720000001-verification-keys-to-ledger.js';

/**
 * A key an officer used with `scheduleVerification` before the upgrade (kept in
 * `rp.verification.idempotency_key`) is copied into the idempotency ledger, so a retry of that
 * request still answers with its verification and the key with another request is still CONFLICT.
 */
let t: SubgraphTestRuntime;
const officer: OneStopClaims = { sub: 'ee-officer-1', role: 'EE_OFFICER', name: 'Officer One' };
const caseId = randomUUID();
const verificationId = randomUUID();
const key = `before-the-upgrade-${randomUUID()}`;
let scheduledAt: Date;

const SCHEDULE = `mutation($caseId: ID!, $input: ScheduleVerificationInput!) {
  scheduleVerification(caseId: $caseId, input: $input) { caseId verifications { id kind location } }
}`;
type Answer = { scheduleVerification: { caseId: string; verifications: { id: string }[] } };

async function count(sql: string, params: unknown[]): Promise<number> {
  const [row] = await t.runtime.ds.query(`SELECT count(*)::int AS n FROM ${sql}`, params);
  return row.n;
}

beforeAll(async () => {
  t = await startSubgraphTestRuntime(residencePermitSubgraph);
  const now = t.clock.now();
  scheduledAt = new Date(now.getTime() + 86_400_000);
  // A permit under review, and a verification scheduled with a key as the code before the upgrade stored it.
  const permitId = randomUUID();
  await t.runtime.ds.query(
    `INSERT INTO rp.residence_permit (id, case_id, case_reference, employer_id, category, route, filed_on, submitted_at,
       status, claimed_grounds, interview_required, interview_completed, interview_scheduled, interview_reason, created_at, updated_at)
     VALUES ($1, $2, 'OS-2026-990001', $3, 'B', 'RENEWAL', '2026-12-01', $4, 'UNDER_REVIEW', '{}', false, false, false, 'renewal', $4, $4)`,
    [permitId, caseId, DEMO_EMPLOYERS[0].id, now],
  );
  await t.runtime.ds.query(
    `INSERT INTO rp.verification (id, permit_id, case_id, kind, scheduled_at, location, scheduled_by, scheduled_by_name, created_at, idempotency_key)
     VALUES ($1, $2, $3, 'TELEPHONE_INTERVIEW', $4, 'Room 2', 'ee-officer-1', 'Officer One', $5, $6)`,
    [verificationId, permitId, caseId, scheduledAt, now, key],
  );
  // The upgrade (run twice: copying again changes nothing).
  const migration = new RpVerificationKeysToLedger1796720000001();
  const runner = t.runtime.ds.createQueryRunner();
  try {
    await migration.up(runner);
    await migration.up(runner);
  } finally {
    await runner.release();
  }
});
afterAll(async () => {
  await t?.stop();
});

describe('RpVerificationKeysToLedger1796720000001: keys kept before the upgrade replay through the ledger', () => {
  it('copies the key with the officer as principal, the canonical request and the verification', async () => {
    const rows = await t.runtime.ds.query(
      `SELECT subgraph, principal, operation, request, result_id FROM platform.idempotency_record WHERE idempotency_key = $1`,
      [key],
    );
    expect(rows).toEqual([
      {
        subgraph: 'residence-permit',
        principal: 'ee-officer-1',
        operation: 'scheduleVerification',
        request: { caseId, kind: 'TELEPHONE_INTERVIEW', location: 'Room 2', scheduledAt: scheduledAt.toISOString() },
        result_id: verificationId,
      },
    ]);
  });

  it('a retry of the request made before the upgrade answers with its verification and writes nothing', async () => {
    const input = { idempotencyKey: key, kind: 'TELEPHONE_INTERVIEW', scheduledAt, location: ' Room 2 ' };
    const res = await t.exec<Answer>(SCHEDULE, { caseId, input }, officer);
    expect(res.errors).toBeUndefined();
    expect(res.data!.scheduleVerification.verifications.map((v) => v.id)).toEqual([verificationId]);
    expect(await count('rp.verification WHERE case_id = $1', [caseId])).toBe(1);
    expect(await count('platform.event_log WHERE aggregate_id = $1', [caseId])).toBe(0);
  });

  it('the key with another request is CONFLICT naming the difference, and writes nothing', async () => {
    const input = { idempotencyKey: key, kind: 'TELEPHONE_INTERVIEW', scheduledAt, location: 'Room 9' };
    const res = await t.exec<Answer>(SCHEDULE, { caseId, input }, officer);
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      verificationId,
      differences: ['location: "Room 2" before, "Room 9" now'],
    });
    expect(res.errors![0]!.message).toContain(`"${key}" was already used for verification ${verificationId}`);
    expect(await count('rp.verification WHERE case_id = $1', [caseId])).toBe(1);
    expect(await count('platform.event_log WHERE aggregate_id = $1', [caseId])).toBe(0);
  });

  it('another officer’s key of the same text is theirs: it schedules', async () => {
    const other: OneStopClaims = { ...officer, sub: 'ee-officer-2', name: 'Officer Two' };
    const input = { idempotencyKey: key, kind: 'TELEPHONE_INTERVIEW', scheduledAt, location: 'Room 2' };
    const res = await t.exec<Answer>(SCHEDULE, { caseId, input }, other);
    expect(res.errors).toBeUndefined();
    expect(res.data!.scheduleVerification.verifications).toHaveLength(2);
  });
});
