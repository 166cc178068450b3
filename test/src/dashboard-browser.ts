/**
 * Browser helpers for the dashboard tests: Debian's Chromium driven by playwright-core (no
 * browser download), signing in by role, and screenshots into test/artifacts/screenshots.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { OneStopClaims, Role } from '@onestop/common';
import type { TestSystem } from './testkit/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOTS = path.join(root, 'test', 'artifacts', 'screenshots');

/** Chromium as installed by the OS (CI installs Debian's `chromium`); CHROMIUM_PATH overrides. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/** A fresh browser context (its own storage) with a page on the dashboard, in English unless told. */
export async function openPage(
  browser: Browser,
  opts: { lang?: 'en' | 'zh'; token?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1000 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
  // Runs in the page before the app: the language, and the session token when signing in by role.
  await context.addInitScript({
    content: `if (!localStorage.getItem('onestop.lang')) localStorage.setItem('onestop.lang', ${JSON.stringify(opts.lang ?? 'en')});
      if (${JSON.stringify(opts.token ?? '')} && !sessionStorage.getItem('onestop.token')) sessionStorage.setItem('onestop.token', ${JSON.stringify(opts.token ?? '')});`,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return { context, page };
}

/** Opens `route` signed in as `role` (a dev token signed by the testkit). */
export async function openAs(
  sys: TestSystem,
  browser: Browser,
  role: Role,
  route: string,
  claims: Partial<OneStopClaims> = {},
  lang: 'en' | 'zh' = 'en',
) {
  const token = await sys.token(role, claims);
  const opened = await openPage(browser, { token, lang });
  await opened.page.goto(new URL(route, sys.stack.dashboardUrl).toString());
  return { ...opened, token };
}

/**
 * Saves a screenshot as test/artifacts/screenshots/<name>.png: the full page, or only what the
 * viewport shows (`fullPage: false`: what the user sees first; embedded PDF viewers paint only there).
 */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
  return file;
}
