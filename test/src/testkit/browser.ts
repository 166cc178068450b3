/**
 * Browser helpers for the dashboard tests: Debian's Chromium driven by playwright-core (no
 * browser download), signing in by role, and screenshots into test/artifacts/screenshots.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import type { OneStopClaims, Role } from '@onestop/common';
import { repoRoot } from '@onestop/scripts';
import type { TestSystem } from './index.js';

export const SCREENSHOTS = path.join(repoRoot, 'test', 'artifacts', 'screenshots');

/**
 * Chromium as installed by the OS (CI installs Debian's `chromium`); CHROMIUM_PATH overrides.
 * playwright-core is loaded here, on first use, so that the tests without a browser (which
 * import the same testkit) do not load it.
 */
export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
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

/** From the dashboard's sign-in page to the identity provider's login form. */
export async function toLoginPage(page: Page, sys: TestSystem): Promise<void> {
  await page.goto(sys.stack.dashboardUrl);
  await page.waitForURL(/\/signin/);
  await page.getByTestId('signin-start').click();
  await page.waitForURL((u) => u.href.startsWith(sys.issuer) && u.pathname.startsWith('/interaction/'));
}

/** Fills in the provider's login form as a seeded account (docs/identity.md: password `onestop-demo`). */
export async function signInAtProvider(page: Page, username: string, password = 'onestop-demo'): Promise<void> {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('button[type=submit]').click();
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

// jsqr is a CommonJS function export: required, so its call works under NodeNext typing.
const jsQR = createRequire(import.meta.url)('jsqr') as (typeof import('jsqr'))['default'];
let axeSource: Promise<string> | undefined;

/** An axe-core violation, as the tests report it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core (injected into the page) on the page as it is now: the serious and critical violations. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.addScriptTag({ content: await axeSource });
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
    violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

/** Decodes the QR code of a PNG data URL (as `qrcode` renders it in the page). */
export function decodeQrDataUrl(dataUrl: string): string | null {
  const png = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
  return (
    jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data ??
    null
  );
}
