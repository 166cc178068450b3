import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  moveClockTo,
  nextWorkingMonday,
  reportInterview,
  reportMaterials,
  settleResidencePermit,
  shanghai,
  serveCase,
  launchBrowser,
  openAs,
  screenshot,
  startTestSystem,
  waitFor,
  type TestSystem,
  agencyToken,
  AGENCY_A,
  fileCase,
  filing,
  today,
} from '../testkit/index.js';

const COUNTER = 'chaoyang-cbd';

describe('dashboard: live city view and SLA work list (Chromium)', () => {
  let sys: TestSystem;
  let browser: Browser;
  let clerk: string;
  let agency: string;
  let officer: string;
  let monday: string;
  beforeAll(async () => {
    [sys, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
    clerk = await sys.token('CLERK', { counterId: COUNTER });
    agency = await agencyToken(sys, 0);
    officer = await sys.token('WP_OFFICER');
    // Counters serve on working days in office hours: move the shared clock to one.
    monday = await nextWorkingMonday(sys);
    await moveClockTo(sys, shanghai(monday, '10:00'));
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  /** A Category A case (walk-in) filed and passed through the API, ready to check in. */
  const walkInCase = async (): Promise<{ id: string; reference: string }> => {
    const c = await fileCase(sys, agency, filing(AGENCY_A.employerIds[0], await today(sys), { category: 'A' }));
    const passed = await sys.gql(
      'mutation ($i: PassPreExaminationInput!) { passPreExamination(input: $i) { id } }',
      { i: { caseId: c.id } },
      officer,
    );
    expect(passed.errors, JSON.stringify(passed.errors)).toBeUndefined();
    // counter-scheduling learns of the pass by event; check-in is refused until it has.
    await waitFor(async () => {
      const r = await sys.sql.query('SELECT pre_exam_passed FROM cs.case_readiness WHERE case_id = $1', [c.id]);
      return r.rows[0]?.pre_exam_passed === true;
    });
    return c;
  };

  const checkIn = async (caseId: string): Promise<void> => {
    const res = await sys.gql('mutation ($caseId: ID!) { checkIn(caseId: $caseId) { id status } }', { caseId }, clerk);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  };

  it('shows a check-in made through the API on that counter within 2 seconds, by subscription', async () => {
    const c = await walkInCase();
    const { context, page } = await openAs(sys, browser, 'MANAGER', '/city');
    try {
      const card = page.locator(`[data-testid=counter-card][data-counter-id="${COUNTER}"]`);
      const waiting = card.getByTestId('waiting');
      await expect.poll(() => waiting.textContent()).toMatch(/^\d+$/);
      const before = Number(await waiting.textContent());
      await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
      await checkIn(c.id);
      await expect.poll(() => waiting.textContent(), { timeout: 2000 }).toBe(String(before + 1));
      // The other counters did not move, and the state is a word, not only a colour.
      expect(await card.locator('[data-sla-state]').textContent()).toMatch(/On time|Warning|Breached|Closed/);
      await page.getByTestId('load-chart').waitFor();
      await screenshot(page, 'city-view-live');
    } finally {
      await context.close();
    }
  });

  it('starts the load chart from the day’s history and shows the throughput per hour', async () => {
    // A walk-in accepted at the counter this hour (the readiness the other subgraphs report, as events).
    const c = await walkInCase();
    await settleResidencePermit(sys, c.id);
    await reportMaterials(sys, c.id, [], []);
    await reportInterview(sys, c.id, { required: false, satisfied: true, scheduled: false });
    await checkIn(c.id);
    await serveCase(sys, clerk, c.id);
    const accepted = await sys.gql(
      'mutation ($caseId: ID!) { acceptDocuments(caseId: $caseId) { receiptNumber } }',
      { caseId: c.id },
      clerk,
    );
    expect(accepted.errors, JSON.stringify(accepted.errors)).toBeUndefined();

    const { context, page } = await openAs(sys, browser, 'MANAGER', '/city');
    try {
      // History every 15 minutes over the opening hours (from 09:00: 5 samples by 10:00), then the live points.
      const chart = page.getByTestId('load-chart');
      await expect
        .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 5000 })
        .toBeGreaterThanOrEqual(5);
      // The time axis spans the opening hours (labels every hour, or every other one where the chart is narrow), not the whole day.
      const labels = chart.locator('.recharts-xAxis-tick-labels text');
      await expect.poll(() => labels.allTextContents()).toContain('09:00');
      expect(await labels.allTextContents()).not.toContain('00:00');
      expect(await chart.textContent()).toContain('Time of day (Beijing)');
      await expect.poll(() => page.getByTestId('throughput-totals').textContent()).toMatch(/^Today: 1 accepted/);
      const thisHour = page.locator(
        `[data-testid=throughput-table] tr[data-hour="${shanghai(monday, '10:00').toISOString()}"]`,
      );
      expect(await thisHour.locator('[data-series=accepted]').textContent()).toBe('1');
      await page.getByText('Show as a table').click();
      await page.getByTestId('throughput-chart').waitFor();
      await screenshot(page, 'city-view-charts');
    } finally {
      await context.close();
    }
  });

  it('puts an SLA breach on the work list as it happens, linked to its case, counted, and filterable', async () => {
    const c = await walkInCase();
    const { context, page } = await openAs(sys, browser, 'MANAGER', '/sla');
    try {
      await page.getByRole('heading', { level: 1, name: 'SLA work list' }).waitFor();
      await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
      await checkIn(c.id);
      // Nobody calls the ticket: the 30-minute counter wait breaches.
      await sys.advanceClock(31 * 60_000);
      const entry = page.locator(`[data-testid=wl-item][data-case-id="${c.id}"][data-level=BREACH]`);
      await entry.waitFor({ timeout: 10_000 });
      expect(await entry.getByTestId('wl-case-link').textContent()).toBe(c.reference);
      expect(await entry.getByTestId('wl-case-link').getAttribute('href')).toBe(`/cases/${c.id}`);
      await expect.poll(() => page.getByTestId('wl-breaches').textContent()).not.toBe('0');
      await screenshot(page, 'sla-feed');
      // Filtering by another clock leaves this breach out.
      await page.getByTestId('wl-filter-kind').selectOption('ISSUANCE');
      await expect.poll(() => entry.count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
