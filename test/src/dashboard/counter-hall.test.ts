/**
 * The waiting hall's screen (issue 12), in Chromium, through the real stack: public (no
 * sign-in), live by subscription, English and Chinese, no personal data, says when offline;
 * axe-core finds no serious or critical violation. The time from `callNext`'s answer to the
 * ticket on the screen is measured and printed (never asserted: the machine is shared).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  moveClockTo,
  nextWorkingMonday,
  seedCase,
  shanghai,
  launchBrowser,
  screenshot,
  seriousAxeViolations,
  ok,
  startTestSystem,
  type TestSystem,
} from '../testkit/index.js';

const COUNTER = 'chaoyang-cbd';
const CHECK_IN = `mutation ($caseId: ID!) { checkIn(caseId: $caseId) { id ticketNumber } }`;
const CALL = `mutation ($w: Int!) { callNext(window: $w) { id ticketNumber window } }`;
const RECALL = `mutation ($id: ID!) { recallTicket(ticketId: $id) { id } }`;

describe('the hall display (Chromium, real stack)', () => {
  let sys: TestSystem;
  let browser: Browser;

  beforeAll(async () => {
    [sys, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
    await moveClockTo(sys, shanghai(await nextWorkingMonday(sys), '10:00'));
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it(
    'shows each called ticket and its window live, without a token or personal data; recall puts it on top; says when offline',
    { timeout: 300_000 },
    async () => {
      const clerk = await sys.token('CLERK', { counterId: COUNTER });
      const colleague = await sys.token('CLERK', { counterId: COUNTER, sub: 'clerk-2', name: 'Wang Colleague' });
      const cases = [
        await seedCase(sys, { category: 'A' }),
        await seedCase(sys, { category: 'A' }),
        await seedCase(sys, { category: 'A' }),
      ];
      for (const caseId of cases) ok(await sys.gql(CHECK_IN, { caseId }, clerk));

      const context = await browser.newContext({
        viewport: { width: 1366, height: 768 },
        locale: 'en-GB',
        timezoneId: 'Europe/London',
      });
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(15_000);
        await page.goto(new URL(`/hall/${COUNTER}`, sys.stack.dashboardUrl).toString());
        await page.getByText('No ticket called yet.').waitFor();
        expect(await page.getByTestId('hall').textContent()).toContain('朝阳CBD国际人才港');
        expect(page.url()).toMatch(new RegExp(`/hall/${COUNTER}$`)); // no sign-in asked
        await screenshot(page, 'counter-hall-empty');

        const latencies: number[] = [];
        const callAndSee = async (window: number, token: string): Promise<{ id: string; ticketNumber: string }> => {
          const called = ok(
            await sys.gql<{ callNext: { id: string; ticketNumber: string } }>(CALL, { w: window }, token),
          ).callNext;
          const answered = Date.now();
          await expect
            .poll(() => page.getByTestId('hall-latest-ticket').textContent(), { timeout: 15_000, interval: 20 })
            .toBe(called.ticketNumber);
          latencies.push(Date.now() - answered);
          return called;
        };
        const first = await callAndSee(2, clerk);
        expect(await page.getByTestId('hall-latest').textContent()).toMatch(/2 号窗口\s*Window 2/);
        const second = await callAndSee(5, colleague);
        await expect.poll(() => page.getByTestId('hall-call').first().textContent()).toContain(first.ticketNumber);
        await screenshot(page, 'counter-hall');

        // Recall: the first ticket is announced again, on top.
        ok(await sys.gql(RECALL, { id: first.id }, clerk));
        await expect.poll(() => page.getByTestId('hall-latest-ticket').textContent()).toBe(first.ticketNumber);
        await expect.poll(() => page.getByTestId('hall-call').first().textContent()).toContain(second.ticketNumber);

        // No personal data: no case id, no name (seeded applicants are all "Test Applicant").
        const text = (await page.locator('body').textContent()) ?? '';
        for (const id of cases) expect(text).not.toContain(id);
        expect(text).not.toContain('Test Applicant');
        expect(await seriousAxeViolations(page)).toEqual([]);

        // The connection drops: the screen says so; it comes back and catches up.
        await context.setOffline(true);
        await page.getByTestId('hall-offline').waitFor({ timeout: 30_000 });
        await screenshot(page, 'counter-hall-offline');
        const third = ok(await sys.gql<{ callNext: { ticketNumber: string } }>(CALL, { w: 1 }, colleague)).callNext;
        await context.setOffline(false);
        await expect
          .poll(() => page.getByTestId('hall-latest-ticket').textContent(), { timeout: 30_000 })
          .toBe(third.ticketNumber);
        await expect.poll(() => page.getByTestId('hall-offline').count(), { timeout: 30_000 }).toBe(0);

        await page.setViewportSize({ width: 390, height: 844 });
        await screenshot(page, 'counter-hall-390');
        expect(await seriousAxeViolations(page)).toEqual([]);

        console.log(
          `hall display: callNext answered → ticket on screen: ${latencies.map((ms) => `${ms} ms`).join(', ')}`,
        );
      } finally {
        await context.close();
      }
    },
  );
});
