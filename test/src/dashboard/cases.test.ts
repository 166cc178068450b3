import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  openAs,
  screenshot,
  startTestSystem,
  type TestSystem,
  agencyToken,
  AGENCY_A,
  AGENCY_B,
  fileCase,
  filing,
  getCase,
  today,
} from '../testkit/index.js';

describe('dashboard: cases, case page, officer actions, calendar (Chromium)', () => {
  let sys: TestSystem;
  let browser: Browser;
  let ownCase: { id: string; reference: string; applicant: { passportNumber: string } };
  let otherCase: { id: string; reference: string; applicant: { passportNumber: string } };
  const agencyA = { agencyId: AGENCY_A.id, employerIds: [...AGENCY_A.employerIds] };
  beforeAll(async () => {
    [sys, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
    const day = await today(sys);
    ownCase = await fileCase(sys, await agencyToken(sys, 0), filing(AGENCY_A.employerIds[0], day));
    otherCase = await fileCase(sys, await agencyToken(sys, 1), filing(AGENCY_B.employerIds[0], day));
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('lets an agency open its own case but not another employer’s, which it cannot even see exists', async () => {
    const own = await openAs(sys, browser, 'AGENCY', `/cases/${ownCase.id}`, agencyA);
    try {
      await own.page.getByRole('heading', { level: 1, name: `Case ${ownCase.reference}` }).waitFor();
      expect(await own.page.getByTestId('case-status').textContent()).toBe('Submitted');
      // Deadlines fall at the end of a Beijing working day: 00:00 in Asia/Shanghai, though the browser is in London.
      expect(await own.page.getByTestId('pre-exam-due').textContent()).toMatch(/, 00:00$/);
      await screenshot(own.page, 'case-page-agency');
      await own.page.goto(new URL(`/cases/${otherCase.id}`, sys.stack.dashboardUrl).toString());
      await own.page
        .getByRole('heading', { level: 1, name: 'This case does not exist or is not yours to see.' })
        .waitFor();
      const text = (await own.page.locator('main').textContent()) ?? '';
      expect(text).not.toContain(otherCase.reference);
      expect(text).not.toContain(otherCase.applicant.passportNumber);
      // Nor through the search by reference.
      await own.page.goto(new URL('/cases', sys.stack.dashboardUrl).toString());
      await own.page.getByTestId('search-reference').fill(otherCase.reference);
      await own.page.getByRole('button', { name: 'Find' }).click();
      await own.page.locator('[data-testid=search-error], [data-testid=search-not-found]').first().waitFor();
      expect(own.page.url()).toMatch(/\/cases$/);
      // Its queue lists its own case only.
      const rows = own.page.getByTestId('case-row');
      await expect.poll(() => rows.count()).toBeGreaterThan(0);
      expect(await own.page.locator(`[data-testid=case-row][data-case-id="${otherCase.id}"]`).count()).toBe(0);
    } finally {
      await own.context.close();
    }
  });

  it('gives a work-permit officer a queue sorted by due time and the pre-examination actions on the case page', async () => {
    const { context, page } = await openAs(sys, browser, 'WP_OFFICER', '/cases');
    try {
      const row = page.locator(`[data-testid=case-row][data-case-id="${ownCase.id}"]`);
      await row.waitFor();
      await screenshot(page, 'cases-queue');
      await row.getByRole('link', { name: ownCase.reference }).click();
      await page.getByRole('heading', { level: 1, name: `Case ${ownCase.reference}` }).waitFor();
      // Pre-examination is done beside the documents (the attachments panel).
      const panel = page.getByTestId('attachments-panel');
      await panel.getByRole('heading', { name: 'Pass pre-examination' }).waitFor();
      await screenshot(page, 'case-page-officer');
      await panel.getByTestId('pass-case').click();
      await expect.poll(() => page.getByTestId('case-status').textContent()).toBe('Pre-exam passed');
      expect((await getCase(sys, await agencyToken(sys, 0), ownCase.id)).status).toBe('PRE_EXAM_PASSED');
    } finally {
      await context.close();
    }
  });

  it('lets an officer find every case of one passport number (logged), and offers the search to staff only', async () => {
    const { context, page } = await openAs(sys, browser, 'EE_OFFICER', '/cases');
    try {
      const form = page.getByRole('search').filter({ has: page.getByTestId('search-passport') });
      // Spaces and letter case do not matter.
      const typed = ownCase.applicant.passportNumber.toLowerCase().replace(/^(.{3})/, '$1 ');
      await form.getByTestId('search-passport').fill(typed);
      await form.getByRole('button', { name: 'Find' }).click();
      const row = page.locator(`[data-testid=passport-row][data-case-id="${ownCase.id}"]`);
      await row.waitFor();
      expect(await page.getByTestId('passport-row').count()).toBe(1);
      expect(await row.getByRole('link').textContent()).toBe(ownCase.reference);
      await screenshot(page, 'cases-passport-search');
      const logged = await sys.sql.query(
        `SELECT case_id FROM wp.access_log WHERE actor_id = 'ee_officer-test' AND fields = ARRAY['search.passportNumber']`,
      );
      expect(logged.rows).toEqual([{ case_id: ownCase.id }]);
      await form.getByTestId('search-passport').fill('X99999999');
      await form.getByRole('button', { name: 'Find' }).click();
      await page.getByTestId('passport-none').waitFor();
    } finally {
      await context.close();
    }
    const manager = await openAs(sys, browser, 'MANAGER', '/cases');
    try {
      await manager.page.getByTestId('search-reference').waitFor();
      expect(await manager.page.getByTestId('search-passport').count()).toBe(0);
    } finally {
      await manager.context.close();
    }
  });

  it('shows the API’s message when an officer’s action is refused, and changes nothing', async () => {
    const { context, page } = await openAs(sys, browser, 'WP_OFFICER', `/cases/${otherCase.id}`);
    try {
      const panel = page.getByTestId('attachments-panel');
      await panel
        .getByLabel('Other items to correct (one per line, "field: problem")')
        .fill('applicant.passportNumber');
      await panel.getByTestId('return-case').click(); // an item without a problem
      await panel.getByTestId('return-error').waitFor();
      expect(await panel.getByTestId('return-error').textContent()).toMatch(/problem must say what is wrong/);
      expect((await getCase(sys, await agencyToken(sys, 1), otherCase.id)).status).toBe('SUBMITTED');
    } finally {
      await context.close();
    }
  });

  it('shows the working-day calendar by month with provisional years flagged, and loads a holiday notice', async () => {
    const { context, page } = await openAs(sys, browser, 'MANAGER', '/calendar?month=2026-02');
    try {
      // 2026 is official: Sat 14 Feb is an adjusted working day, 16–23 Feb are holidays.
      await page.locator('[data-date="2026-02-14"][data-kind=ADJUSTED_WORKDAY]').waitFor();
      expect(await page.locator('[data-date="2026-02-17"]').getAttribute('data-kind')).toBe('HOLIDAY');
      expect(await page.getByTestId('calendar-status').getAttribute('data-provisional')).toBe('false');
      await screenshot(page, 'calendar');
      await page.goto(new URL('/calendar?month=2031-10', sys.stack.dashboardUrl).toString());
      await expect.poll(() => page.getByTestId('calendar-status').getAttribute('data-provisional')).toBe('true');
      await page.getByLabel('Year').fill('2031');
      await page.getByTestId('notice-holidays').fill('2031-10-01..2031-10-07 National Day');
      await page.getByTestId('notice-workdays').fill('2031-09-28 National Day');
      await page.getByRole('button', { name: 'Load notice' }).click();
      await page.getByTestId('notice-loaded').waitFor();
      await expect.poll(() => page.getByTestId('calendar-status').getAttribute('data-provisional')).toBe('false');
      expect(await page.locator('[data-date="2031-10-03"]').getAttribute('data-kind')).toBe('HOLIDAY');
      await screenshot(page, 'calendar-loaded');
      await page.getByRole('link', { name: 'Previous month' }).click();
      await page.getByTestId('calendar-month').filter({ hasText: 'September 2031' }).waitFor();
      expect(await page.locator('[data-date="2031-09-28"]').getAttribute('data-kind')).toBe('ADJUSTED_WORKDAY');
    } finally {
      await context.close();
    }
  });
});
