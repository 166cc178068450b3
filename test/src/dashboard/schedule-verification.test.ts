/**
 * The dashboard's "Schedule verification" form sends an idempotency key that survives a retry:
 * when the first request is lost on its way back (the server scheduled it; the browser saw a
 * network failure), submitting again gets the same verification, not a second one. Changed
 * values are a new request with a new key.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '@onestop/common/contract';
import {
  launchBrowser,
  openAs,
  businessNow,
  waitFor,
  startTestSystem,
  type TestSystem,
  agencyToken,
  AGENCY_A,
  fileCase,
  filing,
  today,
} from '../testkit/index.js';

describe('dashboard: scheduling a verification is retry-safe (Chromium)', () => {
  let sys: TestSystem;
  let browser: Browser;
  beforeAll(async () => {
    [sys, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  async function verifications(caseId: string): Promise<{ location: string | null; idempotency_key: string }[]> {
    const r = await sys.sql.query(
      'SELECT location, idempotency_key FROM rp.verification WHERE case_id = $1 ORDER BY created_at, id',
      [caseId],
    );
    return r.rows;
  }

  async function scheduledEvents(caseId: string): Promise<number> {
    const r = await sys.sql.query(
      'SELECT count(*)::int AS n FROM platform.event_log WHERE aggregate_id = $1 AND type = $2',
      [caseId, EVENT_TYPES.verificationScheduled],
    );
    return r.rows[0].n as number;
  }

  it('a resubmission after a lost response answers with the verification already scheduled', async () => {
    const kase = await fileCase(sys, await agencyToken(sys, 0), filing(AGENCY_A.employerIds[0], await today(sys)));
    await waitFor(
      async () =>
        (await sys.sql.query('SELECT 1 FROM rp.residence_permit WHERE case_id = $1', [kase.id])).rowCount === 1,
      10_000,
      'the residence permit to be created',
    );
    const { context, page } = await openAs(sys, browser, 'EE_OFFICER', `/cases/${kase.id}`);
    try {
      // The first scheduling reaches the server, but its answer never reaches the browser.
      let dropped = 0;
      await page.route('**/graphql', async (route) => {
        if (dropped === 0 && (route.request().postData() ?? '').includes('"ScheduleVerification"')) {
          dropped++;
          await route.fetch();
          await route.abort('timedout');
          return;
        }
        await route.fallback();
      });
      const form = page
        .getByTestId('case-actions')
        .locator('form', { has: page.getByRole('heading', { name: 'Schedule verification' }) });
      const inTwoHours = new Date((await businessNow(sys)).getTime() + (2 + 8) * 3_600_000); // Beijing wall time
      await form.locator('select[name=kind]').selectOption('TELEPHONE_INTERVIEW');
      await form.locator('input[name=scheduledAt]').fill(inTwoHours.toISOString().slice(0, 16));
      await form.locator('input[name=location]').fill('Room 5');

      await form.getByRole('button', { name: 'Submit' }).click();
      await form.getByTestId('action-error').waitFor();
      expect(dropped).toBe(1);
      const first = await verifications(kase.id);
      expect(first).toEqual([{ location: 'Room 5', idempotency_key: expect.stringMatching(/^[0-9a-f-]{36}$/) }]);

      // The officer submits again: same values, same key, the same verification.
      await form.getByRole('button', { name: 'Submit' }).click();
      await form.getByRole('status').waitFor();
      expect(await verifications(kase.id)).toEqual(first);
      expect(await scheduledEvents(kase.id)).toBe(1);

      // Different values are a different request: a second verification, with its own key.
      await form.locator('input[name=location]').fill('Room 6');
      await form.getByRole('button', { name: 'Submit' }).click();
      await expect.poll(async () => (await verifications(kase.id)).length).toBe(2);
      const both = await verifications(kase.id);
      expect(both[1]!.location).toBe('Room 6');
      expect(both[1]!.idempotency_key).not.toBe(first[0]!.idempotency_key);
      expect(await scheduledEvents(kase.id)).toBe(2);
    } finally {
      await context.close();
    }
  });
});
