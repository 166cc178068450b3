import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Role } from '@onestop/common';
import {
  launchBrowser,
  openPage,
  screenshot,
  seriousAxeViolations,
  signInAtProvider,
  toLoginPage,
  appendEvent,
  startTestSystem,
  waitFor,
  type TestSystem,
  agencyToken,
  fileCase,
  filing,
  today,
  AGENCY_A,
} from '../testkit/index.js';

/**
 * Staff sign in through the embedded OpenID Connect provider's login page (authorization code
 * with PKCE, oidc-client-ts in the dashboard) and land on their role's home; signing out ends the
 * session at the provider, so the next sign-in asks for the password again.
 */
let sys: TestSystem;
let browser: Browser;

const STAFF: { role: Role; username: string; home: string; label: string }[] = [
  { role: 'MANAGER', username: 'manager', home: '/city', label: 'Manager' },
  { role: 'WP_OFFICER', username: 'wp.officer', home: '/cases', label: 'Work-permit officer' },
  { role: 'EE_OFFICER', username: 'ee.officer', home: '/cases', label: 'Exit-Entry officer' },
  // A clerk's home is the counter queue; on a machine that has not chosen a window yet, the window choice comes first.
  { role: 'CLERK', username: 'clerk', home: '/counter/window', label: 'Counter clerk' },
];

beforeAll(async () => {
  // Staff tokens live 70 s here, so the dashboard renews them (a minute before expiry) within seconds.
  [sys, browser] = await Promise.all([startTestSystem({ IDENTITY_ACCESS_TOKEN_TTL: '70' }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

describe('staff sign-in through the identity provider', () => {
  for (const s of STAFF) {
    it(`${s.role} signs in on the provider’s login page and lands on ${s.home}`, async () => {
      const { context, page } = await openPage(browser);
      try {
        await toLoginPage(page, sys);
        await signInAtProvider(page, s.username);
        await page.waitForURL((u) => u.href.startsWith(sys.stack.dashboardUrl) && u.pathname === s.home, {
          timeout: 20_000,
        });
        await expect.poll(() => page.getByTestId('signed-in-as').textContent()).toContain(s.label);
      } finally {
        await context.close();
      }
    });
  }

  it('says clearly when the password is wrong, keeps the username, and is accessible (axe), in English and Chinese, wide and narrow', async () => {
    for (const lang of ['en', 'zh'] as const) {
      const { context, page } = await openPage(browser, { lang });
      try {
        await toLoginPage(page, sys);
        expect(await page.locator('html').getAttribute('lang')).toBe(lang === 'zh' ? 'zh-CN' : 'en');
        await expect
          .poll(() => page.locator('h1').textContent())
          .toBe(lang === 'zh' ? '登录 OneStop' : 'Sign in to OneStop');
        await page.setViewportSize({ width: 1366, height: 768 });
        await screenshot(page, `identity-login-${lang}-1366`);
        expect((await seriousAxeViolations(page)).map((v) => v.id)).toEqual([]);
        await signInAtProvider(page, 'manager', 'wrong-password');
        const alert = page.locator('[role=alert]');
        await expect
          .poll(() => alert.textContent())
          .toContain(lang === 'zh' ? '用户名或密码不正确' : 'The username or password is not right');
        expect(await page.locator('#username').inputValue()).toBe('manager');
        await page.setViewportSize({ width: 390, height: 844 });
        await screenshot(page, `identity-login-error-${lang}-390`);
        expect((await seriousAxeViolations(page)).map((v) => v.id)).toEqual([]);
      } finally {
        await context.close();
      }
    }
  });

  it('signing out ends the session at the provider: the next sign-in asks for the password again', async () => {
    const { context, page } = await openPage(browser);
    try {
      await toLoginPage(page, sys);
      await signInAtProvider(page, 'manager');
      await page.waitForURL((u) => u.pathname === '/city', { timeout: 20_000 });
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((u) => u.href.startsWith(sys.stack.dashboardUrl) && u.pathname === '/signin', {
        timeout: 20_000,
      });
      // The dashboard forgot the user, and the provider ended its session: the login form shows again.
      await page.getByTestId('signin-start').click();
      await page.waitForURL((u) => u.href.startsWith(sys.issuer) && u.pathname.startsWith('/interaction/'));
      await expect.poll(() => page.locator('#username').isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('renews the token silently and keeps the live feed: events around the renewal all show, each once', async () => {
    const day = await today(sys);
    const agency = await agencyToken(sys, 0);
    const cases: { id: string }[] = [];
    for (let i = 0; i < 3; i++) cases.push(await fileCase(sys, agency, filing(AGENCY_A.employerIds[0], day)));
    // A breach as the sweep records it: the case's pre-examination clock breaches (row, open
    // breach, event), so it is on the SLA work list, which reads the store on every change.
    const breach = async (caseId: string): Promise<string> => {
      const clock = await waitFor(
        async () =>
          (
            await sys.sql.query<{ id: string; due_at: Date }>(
              `SELECT id, due_at FROM cs.sla_clock WHERE case_id = $1 AND kind = 'PRE_EXAMINATION'`,
              [caseId],
            )
          ).rows[0],
        15_000,
        `the pre-examination clock of ${caseId}`,
      );
      await sys.sql.query(
        `UPDATE cs.sla_clock SET state = 'BREACHED', last_threshold = 100, next_threshold = NULL, next_fire_at = NULL
         WHERE id = $1 AND state = 'RUNNING'`,
        [clock.id],
      );
      await sys.sql.query(
        `INSERT INTO cs.sla_breach (id, clock_id, case_id, employer_id, kind, category, counter_id, due_at, breached_at)
         VALUES (gen_random_uuid(), $1, $2, $3, 'PRE_EXAMINATION', 'B', NULL, $4, $4) ON CONFLICT (clock_id) DO NOTHING`,
        [clock.id, caseId, AGENCY_A.employerIds[0], clock.due_at],
      );
      return appendEvent(sys.sql, {
        type: 'sla.breached',
        source: 'counter-scheduling',
        aggregateId: caseId,
        employerId: AGENCY_A.employerIds[0],
        payload: {
          clockId: clock.id,
          caseId,
          kind: 'PRE_EXAMINATION',
          threshold: 100,
          counterId: null,
          category: 'B',
          dueAt: clock.due_at.toISOString(),
          at: new Date().toISOString(),
        },
      });
    };
    const { context, page } = await openPage(browser);
    let sockets = 0;
    page.on('websocket', () => sockets++);
    const accessToken = (): Promise<string | null> =>
      page.evaluate(`(() => {
        for (let i = 0; i < sessionStorage.length; i++) {
          const key = sessionStorage.key(i);
          if (key && key.startsWith('oidc.user:')) return JSON.parse(sessionStorage.getItem(key)).access_token;
        }
        return null;
      })()`);
    const shown = (caseId: string) => page.locator(`[data-testid=wl-item][data-case-id="${caseId}"]`);
    try {
      await toLoginPage(page, sys);
      await signInAtProvider(page, 'manager');
      await page.waitForURL((u) => u.pathname === '/city', { timeout: 20_000 });
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'SLA work list' }).click();
      await page.waitForURL((u) => u.pathname === '/sla');
      await waitFor(() => sockets >= 1, 15_000, 'the live connection');
      // The feed is live once an alert shows (until then an event may precede the subscription).
      await waitFor(
        async () => {
          if ((await shown(cases[0]!.id).count()) > 0) return true;
          await breach(cases[0]!.id);
          await new Promise((r) => setTimeout(r, 1000));
          return false;
        },
        30_000,
        'the live feed',
      );
      const before = await accessToken();

      // The renewal: a new access token, and the WebSocket re-authenticated with it.
      await waitFor(async () => (await accessToken()) !== before, 60_000, 'a silent renewal');
      await breach(cases[1]!.id); // while the connection is being re-established
      await waitFor(() => sockets >= 2, 15_000, 'the re-authenticated connection');
      await breach(cases[2]!.id);
      for (const c of cases.slice(1)) await expect.poll(() => shown(c.id).count(), { timeout: 15_000 }).toBe(1);
      expect(page.url()).toContain('/sla'); // still signed in, same page, no reload
    } finally {
      await context.close();
    }
  });
});
