import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AGENCIES } from '@onestop/common/testing';
import { WpIdempotencyLedger1796710000001 } from '../../migrations/1796710000001-idempotency-ledger.js';
import { agencyClaims, filingInput } from '../../testing/filing-input.js';
import { startTestRuntime, type TestRuntime } from '../../testing/test-runtime.js';
import { filingRequest, type FilingInput } from './case-filing.rules.js';

/**
 * fileCase replays through the ledger (decision 0022), and a key kept on `wp.case` before the
 * upgrade still replays once the migration has copied it: with the request rebuilt from the
 * case's columns when they give it back exactly, with the old hash when they do not.
 */
let t: TestRuntime;
const FILE = 'mutation($i: FileCaseInput!) { fileCase(input: $i) { id reference } }';
const EMPLOYER = DEMO_AGENCIES[0].employerIds[0];

beforeAll(async () => {
  t = await startTestRuntime();
});
afterAll(async () => {
  await t?.stop();
});

async function file(input: Record<string, unknown>) {
  return t.exec<{ fileCase: { id: string; reference: string } }>(FILE, { i: input }, agencyClaims(0));
}
async function caseCount(): Promise<number> {
  const [r] = await t.runtime.ds.query(`SELECT count(*)::int AS n FROM wp."case"`);
  return r.n;
}
async function ledgerRow(key: string): Promise<{ principal: string; request: unknown; result_id: string } | undefined> {
  const rows = await t.runtime.ds.query(
    `SELECT principal, request, result_id FROM platform.idempotency_record
      WHERE subgraph = 'work-permit' AND operation = 'fileCase' AND idempotency_key = $1`,
    [key],
  );
  return rows[0];
}

/** Files a case, then takes the state back to before the upgrade: the key only on wp.case. */
async function filedBeforeTheUpgrade(input: Record<string, unknown>): Promise<{ id: string; reference: string }> {
  const r = await file(input);
  expect(r.errors).toBeUndefined();
  await t.runtime.ds.query(`DELETE FROM platform.idempotency_record WHERE idempotency_key = $1`, [
    input.idempotencyKey,
  ]);
  return r.data!.fileCase;
}

async function migrate(): Promise<void> {
  const q = t.runtime.ds.createQueryRunner();
  try {
    await new WpIdempotencyLedger1796710000001().up(q);
  } finally {
    await q.release();
  }
}

describe('fileCase and the idempotency ledger', () => {
  it('records the key for the agency, with the canonical request and the case', async () => {
    const input = filingInput(EMPLOYER, t.clock.now());
    const first = await file(input);
    expect(first.errors).toBeUndefined();
    expect(await ledgerRow(input.idempotencyKey as string)).toEqual({
      principal: DEMO_AGENCIES[0].id,
      request: filingRequest(input as unknown as FilingInput),
      result_id: first.data!.fileCase.id,
    });
  });

  it('a pre-upgrade key whose filing the columns give back exactly: copied as the rebuilt request, replays', async () => {
    const input = filingInput(EMPLOYER, t.clock.now());
    const c = await filedBeforeTheUpgrade(input);
    await migrate();
    expect((await ledgerRow(input.idempotencyKey as string))?.request).toEqual(
      filingRequest(input as unknown as FilingInput),
    );
    const before = await caseCount();
    const again = await file(input);
    expect(again.errors).toBeUndefined();
    expect(again.data!.fileCase).toEqual(c);
    const other = await file({ ...input, category: 'C' });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reference: c.reference });
    expect(other.errors?.[0]?.message).toBe(
      `The idempotency key was already used for case ${c.reference} with different input: use a new key for a new filing.`,
    );
    expect(await caseCount()).toBe(before);
  });

  it('a pre-upgrade key sent with un-normalised input (columns differ): still replays, and refuses other input', async () => {
    const sent = filingInput(EMPLOYER, t.clock.now());
    const input: Record<string, unknown> = {
      ...sent,
      notificationLetterNumber: ` ${String(sent.notificationLetterNumber).toLowerCase()} `,
      attachments: ['  Degree   certificate ', 'Employment contract'],
    };
    const c = await filedBeforeTheUpgrade(input);
    await migrate();
    const [row] = await t.runtime.ds.query(`SELECT filing_hash FROM wp."case" WHERE id = $1`, [c.id]);
    expect((await ledgerRow(input.idempotencyKey as string))?.request).toEqual({ legacyFilingHash: row.filing_hash });
    const before = await caseCount();
    const again = await file(input);
    expect(again.errors).toBeUndefined();
    expect(again.data!.fileCase).toEqual(c);
    // The same filing normalised is another request as sent: the key was given for the original.
    const normalised = await file(sent);
    expect(normalised.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reference: c.reference });
    expect(await caseCount()).toBe(before);
  });

  it('copying twice changes nothing (the migration is safe to run again)', async () => {
    const [{ n }] = await t.runtime.ds.query(`SELECT count(*)::int AS n FROM platform.idempotency_record`);
    await migrate();
    const [{ n: after }] = await t.runtime.ds.query(`SELECT count(*)::int AS n FROM platform.idempotency_record`);
    expect(after).toBe(n);
  });
});
