import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openAs, openPage, screenshot, startTestSystem, type TestSystem } from '../testkit/index.js';

describe('dashboard: shell, sign-in, city view, languages (Chromium)', () => {
  let sys: TestSystem;
  let browser: Browser;
  beforeAll(async () => {
    [sys, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('serves the built app with health, SPA fallback and content types', async () => {
    const base = sys.stack.dashboardUrl;
    expect(await (await fetch(new URL('/health', base))).json()).toMatchObject({
      status: 'ok',
      service: 'dashboard',
      built: true,
    });
    const deep = await fetch(new URL('/cases/some-id', base));
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-type')).toContain('text/html');
    const html = await deep.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(new URL(script!, base));
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(new URL('/assets/missing.js', base))).status).toBe(404);
  });

  it('proxies /graphql to the gateway on the same origin and keeps its authorization rules', async () => {
    const url = new URL('/graphql', sys.stack.dashboardUrl);
    const query = JSON.stringify({ query: '{ serviceCounters { id } }' });
    const anonymous = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: query,
    });
    expect(
      ((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
    ).toBe('UNAUTHENTICATED');
    const ok = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await sys.token('MANAGER')}` },
      body: query,
    });
    expect(((await ok.json()) as { data: { serviceCounters: unknown[] } }).data.serviceCounters).toHaveLength(15);
  });

  it('signs in at the identity provider and lands a manager on the city view with all 15 counters', async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.goto(sys.stack.dashboardUrl);
      await page.getByRole('heading', { name: 'Sign in with your OneStop account' }).waitFor();
      await screenshot(page, 'sign-in');
      await page.getByTestId('signin-start').click();
      await page.waitForURL((u) => u.href.startsWith(sys.issuer));
      await page.locator('#username').fill('manager');
      await page.locator('#password').fill('onestop-demo');
      await page.locator('button[type=submit]').click();
      await page.waitForURL(/\/city$/, { timeout: 20_000 });
      await expect.poll(() => page.getByTestId('counter-card').count()).toBe(15);
      expect(
        await page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'City view' })
          .getAttribute('aria-current'),
      ).toBe('page');
      await screenshot(page, 'city-view');
    } finally {
      await context.close();
    }
  });

  it('says clearly when the identity provider cannot be reached, and stays on the sign-in page', async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.route('**/auth/config', (route) => route.fulfill({ status: 503, body: '{}' }));
      await page.goto(new URL('/signin', sys.stack.dashboardUrl).toString());
      await page.getByTestId('signin-start').click();
      await expect.poll(() => page.getByTestId('signin-error').textContent()).toContain('cannot be reached');
      expect(page.url()).toContain('/signin');
    } finally {
      await context.close();
    }
  });

  it('switches between English and Simplified Chinese', async () => {
    const { context, page } = await openAs(sys, browser, 'MANAGER', '/city');
    try {
      await page.getByRole('heading', { level: 1, name: 'City view' }).waitFor();
      await expect.poll(() => page.getByTestId('counter-card').count()).toBe(15);
      await page.getByTestId('language').selectOption('zh');
      await page.getByRole('heading', { level: 1, name: '全市概览' }).waitFor();
      expect(await page.getByRole('navigation').first().textContent()).toContain('时限工作清单');
      expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
      expect(await page.getByRole('columnheader', { name: '等候人数', exact: true }).count()).toBe(1);
      // Counter and district names come from the API in Chinese too (ServiceCounter.nameZh / districtZh).
      const wangjing = page.locator('[data-counter-id="chaoyang-wangjing"]');
      await wangjing.getByRole('link', { name: '朝阳望京服务站', exact: true }).waitFor();
      expect(await page.getByTestId('district-filter').locator('option', { hasText: '朝阳区' }).count()).toBe(1);
      expect(await page.getByTestId('districts').textContent()).not.toContain('Chaoyang');
      await screenshot(page, 'city-view-zh');
      await page.getByTestId('language').selectOption('en');
      await page.getByRole('heading', { level: 1, name: 'City view' }).waitFor();
      await wangjing.getByRole('link', { name: 'Chaoyang Wangjing Service Station', exact: true }).waitFor();
      expect(await page.getByTestId('district-filter').locator('option', { hasText: 'Chaoyang' }).count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('sends a Chinese reader to the provider’s login page in Chinese', async () => {
    const { context, page } = await openPage(browser, { lang: 'zh' });
    try {
      await page.goto(sys.stack.dashboardUrl);
      await page.getByRole('heading', { name: '使用 OneStop 账号登录' }).waitFor();
      await screenshot(page, 'sign-in-zh');
      await page.getByTestId('signin-start').click();
      await page.waitForURL((u) => u.href.startsWith(sys.issuer));
      await expect.poll(() => page.locator('h1').textContent()).toBe('登录 OneStop');
    } finally {
      await context.close();
    }
  });

  it('offers each role only the pages its permissions allow, and says so when one is opened anyway', async () => {
    const { context, page } = await openAs(sys, browser, 'AGENCY', '/calendar', {
      agencyId: 'agency-x',
      employerIds: ['employer-x'],
    });
    try {
      await page.getByRole('heading', { level: 1, name: /cannot open this page/ }).waitFor();
      const nav = page.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link').allTextContents()).toEqual(['SLA work list', 'Cases']);
    } finally {
      await context.close();
    }
  });
});
