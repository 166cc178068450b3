import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorCode,
  moveClockTo,
  nextWorkingMonday,
  seedCase,
  serveNextAt,
  shanghai,
  openAs,
  screenshot,
  seriousAxeViolations,
  startTestSystem,
  waitFor,
  type TestSystem,
} from '../testkit/index.js';

// The counter that breached earlier and is empty now, and the one whose queue waits while its windows are idle.
const BREACHED = 'dongcheng';
const IDLE = 'xicheng';

const COUNTER_TODAY = `query ($id: ID!) { counterToday(counterId: $id) {
  counterId date hours { opens closes } expectedWaitMinutes
  load { waiting breachesToday lastBreachAt longestWaitMinutesNow idleWindows queueWithIdleWindows windowsOpen }
  queue { ticketNumber waitedMinutes withAppointment }
  windows { window open clerkName ticketNumber ticketStatus }
  waits { calledAt waitMinutes }
  breachTimes
  nearest { counterId distanceKm expectedWaitMinutes }
} }`;

interface CounterTodayData {
  counterToday: {
    counterId: string;
    expectedWaitMinutes: number | null;
    hours: { opens: string; closes: string }[];
    load: {
      waiting: number;
      breachesToday: number;
      lastBreachAt: string | null;
      longestWaitMinutesNow: number | null;
      idleWindows: number;
      queueWithIdleWindows: boolean;
      windowsOpen: number;
    };
    queue: { ticketNumber: string; waitedMinutes: number; withAppointment: boolean }[];
    windows: { window: number; open: boolean; clerkName: string | null }[];
    waits: { calledAt: string; waitMinutes: number }[];
    breachTimes: string[];
    nearest: { counterId: string; distanceKm: number; expectedWaitMinutes: number }[];
  };
}

/** No horizontal scroll: the page is no wider than the viewport. */
async function scrollsSideways(page: Page): Promise<boolean> {
  return (await page.evaluate(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth',
  )) as boolean;
}

describe('city console and counter page: API (real PostgreSQL) and Chromium', () => {
  let sys: TestSystem;
  let browser: Browser;
  let manager: string;
  let breachedClerk: string;
  let idleClerk: string;
  let monday: string;

  const checkIn = async (clerk: string): Promise<void> => {
    const caseId = await seedCase(sys, { category: 'A' });
    const res = await sys.gql('mutation ($caseId: ID!) { checkIn(caseId: $caseId) { id } }', { caseId }, clerk);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  };

  beforeAll(async () => {
    const { launchBrowser } = await import('../testkit/index.js');
    [sys, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
    manager = await sys.token('MANAGER');
    breachedClerk = await sys.token('CLERK', { counterId: BREACHED });
    idleClerk = await sys.token('CLERK', { counterId: IDLE });
    monday = await nextWorkingMonday(sys);
    await moveClockTo(sys, shanghai(monday, '10:00'));

    // Dongcheng: one walk-in waits 35 minutes (a counter-wait breach), then is called and served: empty now.
    await checkIn(breachedClerk);
    await moveClockTo(sys, shanghai(monday, '10:35'));
    await waitFor(
      async () =>
        (await sys.sql.query(`SELECT 1 FROM cs.sla_breach WHERE counter_id = $1 AND kind = 'COUNTER_WAIT'`, [BREACHED]))
          .rowCount === 1,
      60_000,
      'the counter-wait breach at dongcheng',
    );
    const served = await serveNextAt(sys, breachedClerk, 1);
    expect(served).not.toBeNull();
    const done = await sys.gql(
      'mutation ($id: ID!) { completeService(ticketId: $id) { id status } }',
      { id: served!.id },
      breachedClerk,
    );
    expect(done.errors, JSON.stringify(done.errors)).toBeUndefined();

    // Xicheng: two walk-ins wait 10 minutes while none of its 3 windows serves anyone.
    await checkIn(idleClerk);
    await checkIn(idleClerk);
    await moveClockTo(sys, shanghai(monday, '10:45'));
  });

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('API: a counter breached earlier and empty now has a breach today but nobody waiting; idle windows are flagged; the nearest counter with a shorter wait is suggested', async () => {
    const dong = await sys.gql<CounterTodayData>(COUNTER_TODAY, { id: BREACHED }, manager);
    expect(dong.errors, JSON.stringify(dong.errors)).toBeUndefined();
    const d = dong.data!.counterToday;
    expect(d.load).toMatchObject({
      waiting: 0,
      breachesToday: 1,
      longestWaitMinutesNow: null,
      queueWithIdleWindows: false,
    });
    // The business clock runs on between its moves: times are right to the minute, not the millisecond.
    const at1030 = shanghai(monday, '10:30').getTime();
    expect(d.breachTimes).toHaveLength(1);
    expect(Date.parse(d.breachTimes[0]!) - at1030).toBeGreaterThanOrEqual(0);
    expect(Date.parse(d.breachTimes[0]!) - at1030).toBeLessThan(60_000);
    expect(d.waits).toHaveLength(1);
    expect(Math.floor(d.waits[0]!.waitMinutes)).toBe(35);
    expect(d.hours).toEqual([{ opens: '09:00', closes: '17:00' }]);
    expect(d.windows[0]).toMatchObject({ window: 1, open: true });
    expect(d.expectedWaitMinutes).toBe(0);

    const xi = await sys.gql<CounterTodayData>(COUNTER_TODAY, { id: IDLE }, manager);
    expect(xi.errors, JSON.stringify(xi.errors)).toBeUndefined();
    const x = xi.data!.counterToday;
    expect(x.load).toMatchObject({ waiting: 2, idleWindows: 3, queueWithIdleWindows: true, breachesToday: 0 });
    expect(Math.floor(x.load.longestWaitMinutesNow!)).toBe(10);
    expect(x.queue.map((q) => q.waitedMinutes)).toEqual([10, 10]);
    expect(x.queue.every((q) => !q.withAppointment)).toBe(true);
    // Nobody is at a window at Xicheng: no wait can be promised there, and Dongcheng (staffed, empty, ~4.6 km) is suggested.
    expect(x.expectedWaitMinutes).toBeNull();
    expect(x.nearest[0]).toMatchObject({ counterId: BREACHED, expectedWaitMinutes: 0 });
    expect(x.nearest[0]!.distanceKm).toBeGreaterThan(3);
    expect(x.nearest[0]!.distanceKm).toBeLessThan(7);
    // The queue carries no personal data: no case, no name, no passport in the schema of QueuedTicket.
    expect(Object.keys(x.queue[0]!).sort()).toEqual(['ticketNumber', 'waitedMinutes', 'withAppointment']);

    const city = await sys.gql<{
      cityLoad: {
        breachesToday: number;
        countersWithIdleWindows: number;
        overTargetShareToday: number | null;
        visitsToday: number;
        longestWaitMinutesNow: number | null;
      };
    }>(
      '{ cityLoad { breachesToday countersWithIdleWindows overTargetShareToday visitsToday longestWaitMinutesNow } }',
      {},
      manager,
    );
    expect(city.errors, JSON.stringify(city.errors)).toBeUndefined();
    // 3 visits: one called after 35 min (over the 30 min target), two waiting 10 min.
    expect(city.data!.cityLoad).toMatchObject({
      breachesToday: 1,
      countersWithIdleWindows: 1,
      overTargetShareToday: 1 / 3,
      visitsToday: 3,
    });
    expect(Math.floor(city.data!.cityLoad.longestWaitMinutesNow!)).toBe(10);
  });

  it('API: counterToday refuses bad input and scopes who may see a counter (managers any, clerks their own, officers and agencies none)', async () => {
    const unknown = await sys.gql(COUNTER_TODAY, { id: 'no-such-counter' }, manager);
    expect(errorCode(unknown)).toBe('NOT_FOUND');
    const anonymous = await sys.gql(COUNTER_TODAY, { id: BREACHED });
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
    const missing = await sys.gql('{ counterToday { counterId } }', {}, manager);
    expect(errorCode(missing)).toBe('GRAPHQL_VALIDATION_FAILED');
    const own = await sys.gql<CounterTodayData>(COUNTER_TODAY, { id: IDLE }, idleClerk);
    expect(own.errors, JSON.stringify(own.errors)).toBeUndefined();
    expect(own.data!.counterToday.counterId).toBe(IDLE);
    const other = await sys.gql(COUNTER_TODAY, { id: BREACHED }, idleClerk);
    expect(errorCode(other)).toBe('FORBIDDEN');
    for (const role of ['WP_OFFICER', 'EE_OFFICER', 'AGENCY'] as const) {
      const res = await sys.gql(COUNTER_TODAY, { id: BREACHED }, await sys.token(role));
      expect(errorCode(res), role).toBe('FORBIDDEN');
    }
  });

  it('browser: the city console at 1366×768 shows all 15 counters and both charts, NOW apart from the DAY, and the idle-windows flag, in English and Chinese', async () => {
    const { context, page } = await openAs(sys, browser, 'MANAGER', '/city');
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      await expect.poll(() => page.getByTestId('counter-card').count(), { timeout: 20_000 }).toBe(15);
      const dong = page.locator(`[data-testid=counter-card][data-counter-id="${BREACHED}"]`);
      await expect
        .poll(() => dong.getByTestId('day').textContent(), { timeout: 15_000 })
        .toMatch(/^1 breach today · \d\d:\d\d$/);
      expect(await dong.getByTestId('now').textContent()).toContain('On time now');
      const xi = page.locator(`[data-testid=counter-card][data-counter-id="${IDLE}"]`);
      expect(await xi.getByTestId('idle-flag').textContent()).toContain('queue waits, 3 of 3 windows idle');
      expect(await xi.getByTestId('idle-flag').innerText()).toContain('⚠ 3 idle');
      // Most severe first: the counter with the idle-window flag leads.
      expect(await page.getByTestId('counter-card').first().getAttribute('data-counter-id')).toBe(IDLE);
      await page.getByTestId('load-chart').waitFor();
      await page.getByTestId('throughput-chart').waitFor();
      // The whole first screen: every counter row and both charts within 1366×768, without scrolling.
      const bottoms = (await page.evaluate(
        `[...document.querySelectorAll('[data-testid=counter-card]'),
          document.querySelector('[data-testid=load-chart]'),
          document.querySelector('[data-testid=throughput-chart]')]
          .map((e) => (e ? e.getBoundingClientRect().bottom : Infinity))`,
      )) as number[];
      await screenshot(page, 'city-console-1366', { fullPage: false });
      expect(Math.max(...bottoms)).toBeLessThanOrEqual(768);
      expect(await page.getByTestId('tile-longest').textContent()).toContain('10 min');
      expect(await page.getByTestId('tile-over-target').textContent()).toContain('33%');
      expect(await seriousAxeViolations(page)).toEqual([]);

      // The district filter.
      await page.getByTestId('district-filter').selectOption('Chaoyang');
      await expect.poll(() => page.getByTestId('counter-card').count()).toBe(2);
      await page.getByTestId('district-filter').selectOption('');

      await page.getByTestId('language').selectOption('zh');
      await expect.poll(() => dong.getByTestId('day').textContent()).toMatch(/^今日超时 1 次/);
      expect(await dong.getByTestId('now').textContent()).toContain('当前正常');
      expect(await xi.getByTestId('idle-flag').textContent()).toContain('3 个窗口中 3 个空闲');
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'city-console-1366-zh', { fullPage: false });

      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByTestId('counter-card').first().waitFor();
      // The charts follow the new width on their next resize observation: poll until laid out.
      await expect.poll(() => scrollsSideways(page)).toBe(false);
      await screenshot(page, 'city-console-390-zh');
    } finally {
      await context.close();
    }
  });

  it('browser: a counter opened from the console shows its live queue, windows and the nearest counters; keyboard reachable', async () => {
    const { context, page } = await openAs(sys, browser, 'MANAGER', '/city');
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      const link = page.locator(`[data-testid=counter-card][data-counter-id="${IDLE}"]`).getByTestId('counter-link');
      await link.focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/city\/counters\/xicheng$/);
      await expect.poll(() => page.getByTestId('queued-ticket').count(), { timeout: 15_000 }).toBe(2);
      expect(await page.getByTestId('idle-flag').textContent()).toContain('3 of 3 windows idle');
      expect(await page.getByTestId('windows-table').locator('tbody tr').count()).toBe(3);
      expect(await page.locator(`[data-testid=nearby-counter][data-counter-id="${BREACHED}"]`).count()).toBe(1);
      await page.getByTestId('wait-chart').waitFor();
      await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor({ timeout: 15_000 });

      // Live: a check-in through the API appears without reload.
      await checkIn(idleClerk);
      await expect.poll(() => page.getByTestId('page-waiting').textContent(), { timeout: 10_000 }).toBe('3');
      await expect.poll(() => page.getByTestId('queued-ticket').count()).toBe(3);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'counter-page-1366', { fullPage: false });

      // The breached-earlier counter reads "on time now" and its breach with the time.
      await page.goto(new URL(`/city/counters/${BREACHED}`, sys.stack.dashboardUrl).toString());
      await expect
        .poll(() => page.getByTestId('now-day').textContent(), { timeout: 15_000 })
        .toMatch(/On time now.*1 breach today · 10:30/);
      await page.getByTestId('wait-chart').waitFor();
      await page.getByTestId('language').selectOption('zh');
      await expect.poll(() => page.getByTestId('now-day').textContent()).toMatch(/当前正常.*今日超时 1 次 · 10:30/);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'counter-page-1366-zh', { fullPage: false });

      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByTestId('now-day').waitFor();
      await expect.poll(() => scrollsSideways(page)).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('browser: the calendar marks today and has no serious axe violations; no sideways scroll at 390 px; the connection indicator comes back to Live after a short drop', async () => {
    const { context, page } = await openAs(sys, browser, 'MANAGER', '/calendar');
    try {
      await page.getByTestId('calendar-grid').waitFor({ timeout: 15_000 });
      await page.getByTestId('calendar-today').waitFor();
      expect(await page.locator('[aria-current=date]').count()).toBe(1);
      expect(await seriousAxeViolations(page)).toEqual([]);
      // The signed-in role is shown once (a development token's name is only the role's description).
      expect(await page.getByTestId('signed-in-as').textContent()).not.toMatch(/\(.*\).*\(/);

      await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor({ timeout: 15_000 });
      await context.setOffline(true);
      await expect.poll(() => page.getByTestId('connection').getAttribute('data-state')).toBe('offline');
      await context.setOffline(false);
      await expect
        .poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: 30_000 })
        .toBe('connected');

      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByTestId('calendar-grid').waitFor();
      await expect.poll(() => scrollsSideways(page)).toBe(false);
      await screenshot(page, 'calendar-390');
    } finally {
      await context.close();
    }
  });
});
