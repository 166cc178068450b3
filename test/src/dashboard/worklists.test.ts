/**
 * The work lists in Chromium through the real stack (issue 13): the SLA work list live in two
 * browsers (acknowledge, assign, note), the officer's work list (the role's clock, closed cases
 * hidden until asked for), the case page (labels in both languages, Beijing times, people as
 * actors, a decision made elsewhere appearing live), axe-core and 390 px on each page, and the
 * screenshots of docs/dashboard.md (1366×768, English and Chinese).
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkingDayCalendar } from '@onestop/common';
import { EVENT_TYPES, issuanceDue } from '@onestop/common/contract';
import { repoRoot } from '@onestop/scripts';
import {
  launchBrowser,
  openAs,
  screenshot,
  seriousAxeViolations,
  appendEvent,
  startTestSystem,
  waitFor,
  type TestSystem,
  agencyToken,
  AGENCY_A,
  fileCase,
  filing,
  today,
  businessNow,
} from '../testkit/index.js';

const MINUTE = 60_000;
const DOCS = path.join(repoRoot, 'docs', 'screenshots');
const PASS = `mutation($i: PassPreExaminationInput!) { passPreExamination(input: $i) { id status } }`;
const WITHDRAW = `mutation($i: WithdrawCaseInput!) { withdrawCase(input: $i) { id status } }`;
const MANAGER_A = { sub: 'manager-a', name: 'Zhao Min' };
const MANAGER_B = { sub: 'manager-b', name: 'Sun Li' };
const WP = { sub: 'wp-officer-1', name: 'Li Wei' };

/** 07/12/2026, 09:30: how the dashboard writes an instant in Beijing time (English). */
const beijing = (d: Date): string =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);

/** The docs' screenshot: what a 1366×768 screen shows first. */
async function docShot(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.waitForTimeout(300);
  const file = await screenshot(page, name, { fullPage: false });
  await mkdir(DOCS, { recursive: true });
  await copyFile(file, path.join(DOCS, `${name}.png`));
}

/** At 390 px wide the page does not scroll sideways; axe finds nothing serious or critical. */
async function narrowAndAxe(page: Page, name: string): Promise<void> {
  expect(await seriousAxeViolations(page), `${name}: axe`).toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
  await screenshot(page, `${name}-390`);
  expect(width, `${name}: page width at 390 px`).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1440, height: 1000 });
}

/** The due instants the work list shows, top to bottom (rows with no clock for the role left out). */
async function shownDues(page: Page): Promise<number[]> {
  const cells = await page
    .locator('[data-testid=case-row] [data-testid=role-due]')
    .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-due-at') ?? ''));
  return cells.filter(Boolean).map((at) => Date.parse(at));
}

describe('dashboard: SLA work list, officer work lists, case page (Chromium)', () => {
  let sys: TestSystem;
  let browser: Browser;
  let breached: { id: string; reference: string };
  let open: { id: string; reference: string };
  let withdrawn: { id: string; reference: string };

  beforeAll(async () => {
    [sys, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
    const day = await today(sys);
    const agency = await agencyToken(sys, 0);
    breached = await fileCase(sys, agency, filing(AGENCY_A.employerIds[0], day));
    open = await fileCase(sys, agency, filing(AGENCY_A.employerIds[0], day));
    withdrawn = await fileCase(sys, agency, filing(AGENCY_A.employerIds[0], day));
    const w = await sys.gql(
      WITHDRAW,
      { i: { caseId: withdrawn.id, reason: 'The applicant changed employer' } },
      agency,
    );
    expect(w.errors).toBeUndefined();
    // The applicant of `breached` took a ticket at Chaoyang CBD 31 minutes ago: a counter-wait breach.
    const t0 = await businessNow(sys);
    await appendEvent(sys.sql, {
      type: EVENT_TYPES.ticketIssued,
      source: 'counter-scheduling',
      aggregateId: breached.id,
      payload: {
        ticketId: '6a1f5b0e-0000-4000-8000-000000000001',
        ticketNumber: 'A-007',
        caseId: breached.id,
        counterId: 'chaoyang-cbd',
        at: t0.toISOString(),
      },
      employerId: AGENCY_A.employerIds[0],
      counterId: 'chaoyang-cbd',
    });
    await new Promise((r) => setTimeout(r, 1500));
    await sys.advanceClock(31 * MINUTE);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('shows an acknowledgement, an assignment and a note made in one browser in another without reload', async () => {
    // The officer opens the list once (and becomes someone an entry can be assigned to).
    const officer = await openAs(sys, browser, 'WP_OFFICER', '/sla', WP);
    const a = await openAs(sys, browser, 'MANAGER', '/sla', MANAGER_A);
    const b = await openAs(sys, browser, 'MANAGER', '/sla', MANAGER_B);
    try {
      const itemIn = (p: Page) => p.locator(`[data-testid=wl-item][data-case-id="${breached.id}"]`);
      await itemIn(officer.page).waitFor({ timeout: 30_000 });
      await itemIn(a.page).waitFor({ timeout: 30_000 });
      await itemIn(b.page).waitFor({ timeout: 30_000 });
      const item = itemIn(a.page);
      expect(await item.getAttribute('data-level')).toBe('BREACH');
      await expect.poll(() => item.locator('h2').textContent()).toContain(breached.reference);
      expect(await item.textContent()).toContain('Counter wait');
      expect(await item.textContent()).toContain('Test Applicant');
      // The agency that filed the case, beside the employer.
      expect(await item.getByTestId('wl-agency').textContent()).toBe(AGENCY_A.name);
      const [download] = await Promise.all([
        a.page.waitForEvent('download'),
        a.page.getByTestId('export-csv-sla-work-list').click(),
      ]);
      const csv = (await readFile((await download.path())!, 'utf8')).split('\r\n');
      expect(csv[0]).toContain('"Employer","Agency"');
      expect(csv.find((line) => line.includes(breached.reference))).toContain(`"${AGENCY_A.name}"`);
      // Overdue by ticks.
      const first = await item.getByTestId('wl-overdue').textContent();
      await a.page.waitForTimeout(2100);
      expect(await item.getByTestId('wl-overdue').textContent()).not.toBe(first);
      expect(first).toMatch(/Overdue by/);

      // Acknowledge in A (keyboard: j to the entry, a to acknowledge); B sees it without reload.
      await a.page.reload();
      await item.waitFor();
      await item.getByTestId('wl-case-link').focus();
      const t0 = Date.now();
      await a.page.keyboard.press('a');
      await itemIn(b.page).getByTestId('wl-acknowledged').waitFor({ timeout: 20_000 });
      const ackDelay = Date.now() - t0;
      console.log(`[worklists] acknowledgement seen in the other browser after ${ackDelay} ms (click to render)`);
      expect(await itemIn(b.page).getByTestId('wl-acknowledged').textContent()).toContain('Zhao Min');

      // The officer's browser has the officer in the list of people by now; A assigns, B sees it.
      await a.page.reload();
      await item.getByTestId('wl-assignee-select').selectOption({ label: 'Li Wei (Work-permit officer)' });
      const t1 = Date.now();
      await item.getByTestId('wl-assign').click();
      await expect
        .poll(() => itemIn(b.page).getByTestId('wl-assignee').textContent(), { timeout: 20_000 })
        .toContain('Li Wei');
      console.log(`[worklists] assignment seen in the other browser after ${Date.now() - t1} ms`);

      // A note from the officer appears in B's history.
      await itemIn(officer.page).getByTestId('wl-note-input').fill('Called the counter: serving now');
      const t2 = Date.now();
      await itemIn(officer.page).getByTestId('wl-note').click();
      const history = itemIn(b.page).getByTestId('wl-history');
      await history.waitFor({ timeout: 20_000 });
      await expect.poll(() => history.locator('[data-testid=wl-history-entry]').count(), { timeout: 20_000 }).toBe(3);
      console.log(`[worklists] note seen in the other browser after ${Date.now() - t2} ms`);
      await history.locator('summary').click();
      expect(await history.textContent()).toContain('Li Wei noted: “Called the counter: serving now”');
      expect(await history.textContent()).toContain('Zhao Min acknowledged');

      // Stored and audited.
      const audit = await sys.sql.query(
        `SELECT e.action, e.actor_name, e.actor_role FROM cs.sla_follow_up_entry e
         JOIN cs.sla_clock c ON c.id = e.clock_id WHERE c.case_id = $1 ORDER BY e.at, e.id`,
        [breached.id],
      );
      expect(audit.rows.map((r) => [r.action, r.actor_name, r.actor_role])).toEqual([
        ['ACKNOWLEDGED', 'Zhao Min', 'MANAGER'],
        ['ASSIGNED', 'Zhao Min', 'MANAGER'],
        ['NOTED', 'Li Wei', 'WP_OFFICER'],
      ]);

      // Filters: the acknowledged entry leaves "not acknowledged".
      await b.page.getByTestId('wl-filter-state').selectOption('UNACKNOWLEDGED');
      await expect.poll(() => itemIn(b.page).count()).toBe(0);
      await b.page.getByTestId('wl-filter-state').selectOption('');
      await itemIn(b.page).waitFor();

      await docShot(b.page, 'sla-work-list-en');
      await narrowAndAxe(b.page, 'sla-work-list');
      const zh = await openAs(sys, browser, 'MANAGER', '/sla', MANAGER_B, 'zh');
      try {
        await itemIn(zh.page).waitFor({ timeout: 30_000 });
        expect(await itemIn(zh.page).textContent()).toContain('已超时');
        await docShot(zh.page, 'sla-work-list-zh');
        await narrowAndAxe(zh.page, 'sla-work-list-zh');
      } finally {
        await zh.context.close();
      }
    } finally {
      await Promise.all([officer.context.close(), a.context.close(), b.context.close()]);
    }
  }, 240_000);

  it('gives the work-permit officer their own clock, days waiting, and closed cases only when asked for', async () => {
    const { context, page } = await openAs(sys, browser, 'WP_OFFICER', '/cases', WP);
    try {
      const row = page.locator(`[data-testid=case-row][data-case-id="${open.id}"]`);
      await row.waitFor({ timeout: 30_000 });
      expect(await row.getByTestId('role-due').getAttribute('data-due-kind')).toBe('PRE_EXAMINATION');
      expect(await row.getByTestId('role-due').textContent()).toMatch(/^Pre-examination \d{2}\/\d{2}\/\d{4}, 00:00/);
      expect(await row.getByTestId('days-waiting').textContent()).toBe('0 d');
      // Sorted by the due shown (the API's DUE_ASC order, not a re-sort in the browser).
      const dues = await shownDues(page);
      expect(dues.length).toBeGreaterThan(0);
      expect(dues).toEqual([...dues].sort((a, b) => a - b));
      // Closed (withdrawn) cases are out of every view by default, "All statuses" included.
      await page.getByTestId('queue-filter').selectOption('all');
      await row.waitFor();
      expect(await page.locator(`[data-testid=case-row][data-case-id="${withdrawn.id}"]`).count()).toBe(0);
      await page.getByTestId('include-closed').check();
      const closedRow = page.locator(`[data-testid=case-row][data-case-id="${withdrawn.id}"]`);
      await closedRow.waitFor({ timeout: 20_000 });
      expect(await closedRow.getAttribute('data-status')).toBe('WITHDRAWN');
      expect(await closedRow.getByTestId('role-due').textContent()).toBe('—');
      await page.getByTestId('include-closed').uncheck();
      await expect.poll(() => closedRow.count()).toBe(0);
      await docShot(page, 'officer-work-list-en');
      await narrowAndAxe(page, 'officer-work-list');
    } finally {
      await context.close();
    }
    const zh = await openAs(sys, browser, 'WP_OFFICER', '/cases', WP, 'zh');
    try {
      await zh.page.locator(`[data-testid=case-row][data-case-id="${open.id}"]`).waitFor({ timeout: 30_000 });
      expect(await zh.page.locator(`[data-testid=case-row][data-case-id="${open.id}"]`).textContent()).toContain(
        '预审',
      );
      await docShot(zh.page, 'officer-work-list-zh');
      await narrowAndAxe(zh.page, 'officer-work-list-zh');
    } finally {
      await zh.context.close();
    }
  }, 180_000);

  it('shows the case page with labels, Beijing times and people, and a decision made elsewhere live', async () => {
    const { context, page } = await openAs(sys, browser, 'WP_OFFICER', `/cases/${open.id}`, WP);
    try {
      await page.getByRole('heading', { level: 1, name: `Case ${open.reference}` }).waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('case-route').textContent()).toBe('Holder of the Notification Letter');
      const main = (await page.locator('main').textContent()) ?? '';
      expect(main).not.toContain('NOTIFICATION_LETTER');
      expect(main).not.toContain('MATERIAL_RECORDED');
      const filed = page.locator('[data-testid=timeline-entry][data-action=FILED]');
      expect(await filed.locator('strong').textContent()).toBe('Filed online');
      // A person and a role, not a service; the time in Beijing although the browser is in London.
      expect(await filed.getByTestId('timeline-actor').textContent()).toMatch(/· .+ · Agency$/);
      const iso = await filed.locator('time').getAttribute('datetime');
      const shanghai = beijing(new Date(iso!));
      expect(await filed.locator('time').textContent()).toBe(shanghai);
      // The pre-examination countdown ticks.
      const countdown = page.getByTestId('clock-countdown').first();
      const before = await countdown.textContent();
      await page.waitForTimeout(2100);
      expect(await countdown.textContent()).not.toBe(before);
      await docShot(page, 'case-page-en');
      await narrowAndAxe(page, 'case-page');

      // Another session (the API, as another officer) passes the pre-examination: the page follows.
      const other = await sys.token('WP_OFFICER', { sub: 'wp-officer-2', name: 'He Jun' });
      const t0 = Date.now();
      const passed = await sys.gql(PASS, { i: { caseId: open.id } }, other);
      expect(passed.errors).toBeUndefined();
      await expect
        .poll(() => page.getByTestId('case-status').textContent(), { timeout: 20_000 })
        .toBe('Pre-exam passed');
      console.log(`[worklists] decision made elsewhere shown on the case page after ${Date.now() - t0} ms`);
      const line = page.locator('[data-testid=timeline-entry][data-action=PRE_EXAM_PASSED]');
      await line.waitFor();
      expect(await line.getByTestId('timeline-actor').textContent()).toContain('He Jun · Work-permit officer');
    } finally {
      await context.close();
    }
    const zh = await openAs(sys, browser, 'WP_OFFICER', `/cases/${open.id}`, WP, 'zh');
    try {
      await zh.page.getByTestId('case-route').waitFor({ timeout: 30_000 });
      expect(await zh.page.getByTestId('case-route').textContent()).toBe('持《外国人工作许可通知》');
      expect(await zh.page.locator('[data-testid=timeline-entry][data-action=FILED] strong').textContent()).toBe(
        '网上提交',
      );
      await docShot(zh.page, 'case-page-zh');
      await narrowAndAxe(zh.page, 'case-page-zh');
    } finally {
      await zh.context.close();
    }
  }, 180_000);

  it('after acceptance shows each officer the decision they owe, due when the issuance clock is due', async () => {
    // `open` passed pre-examination above; it is checked in and its documents accepted at Chaoyang CBD.
    const at = await businessNow(sys);
    const employerId = AGENCY_A.employerIds[0];
    const event = (type: string, payload: Record<string, unknown>) =>
      appendEvent(sys.sql, {
        type,
        source: 'counter-scheduling',
        aggregateId: open.id,
        payload,
        employerId,
        counterId: 'chaoyang-cbd',
      });
    await event(EVENT_TYPES.ticketIssued, {
      ticketId: '6a1f5b0e-0000-4000-8000-000000000002',
      ticketNumber: 'A-008',
      caseId: open.id,
      counterId: 'chaoyang-cbd',
      at: at.toISOString(),
    });
    const due = issuanceDue(WorkingDayCalendar.fromOfficialData(), at);
    await event(EVENT_TYPES.documentsAccepted, {
      caseId: open.id,
      counterId: 'chaoyang-cbd',
      receiptNumber: 'RA-2026-990001',
      acceptedAt: at.toISOString(),
      issuanceDueAt: due.due.toISOString(),
      issuanceDueProvisional: due.provisional,
    });
    for (const [role, kind, label] of [
      ['WP_OFFICER', 'WP_DECISION', 'Work-permit decision'],
      ['EE_OFFICER', 'RP_DECISION', 'Residence-permit decision'],
    ] as const) {
      const { context, page } = await openAs(sys, browser, role, '/cases', role === 'WP_OFFICER' ? WP : {});
      try {
        const cell = page.locator(`[data-testid=case-row][data-case-id="${open.id}"] [data-testid=role-due]`);
        // The projections run on events: reload until the case is ACCEPTED with its clock.
        await waitFor(
          async () => {
            if ((await cell.count()) && (await cell.getAttribute('data-due-kind')) === kind) return true;
            await page.reload();
            await page
              .getByTestId('case-queue')
              .waitFor({ timeout: 10_000 })
              .catch(() => undefined);
            return false;
          },
          60_000,
          `${role}: the accepted case with its ${kind} due`,
        );
        expect(await cell.textContent()).toBe(`${label} ${beijing(due.due)}`);
        // The accepted case's issuance due and the submitted cases' pre-examination dues in one order.
        const dues = await shownDues(page);
        expect(dues).toContain(due.due.getTime());
        expect(dues).toEqual([...dues].sort((a, b) => a - b));
      } finally {
        await context.close();
      }
    }
  }, 180_000);
});
