import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attachmentsOf,
  JPEG,
  PDF,
  PNG,
  upload,
  launchBrowser,
  openAs,
  screenshot,
  startTestSystem,
  type TestSystem,
  AGENCY_A,
  agencyToken,
  fileCase,
  filing,
  getCase,
  today,
} from '../testkit/index.js';

const RESUBMIT = `mutation($i: ResubmitCaseInput!) { resubmitCase(input: $i) { id status } }`;

/** An image element as the page sees it (this package has no DOM types). */
type Img = { complete: boolean; naturalWidth: number };

/** The width of a decoded image, 0 while it is not loaded (runs in the page). */
const decodedWidth = (i: unknown): number => ((i as Img).complete ? (i as Img).naturalWidth : 0);

/** axe-core's serious and critical violations in the attachments panel (WCAG 2 A/AA rules). */
async function seriousViolations(page: Page): Promise<string[]> {
  const source = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  const result = (await page.evaluate(
    `axe.run('[data-testid=attachments-panel]', { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })`,
  )) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('dashboard: pre-examination with the documents (Chromium)', () => {
  let sys: TestSystem;
  let browser: Browser;
  let agency: string;
  let caseId: string;
  let reference: string;
  beforeAll(async () => {
    [sys, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
    agency = await agencyToken(sys, 0);
    const c = await fileCase(
      sys,
      agency,
      filing(AGENCY_A.employerIds[0], await today(sys), { attachments: ['Degree certificate', 'Passport page'] }),
    );
    caseId = c.id;
    reference = c.reference;
    await upload(sys, agency, caseId, 'Degree certificate', PDF, {
      kind: 'DEGREE_CERTIFICATE',
      fileName: '学位证书 degree.pdf',
      contentType: 'application/pdf',
    });
    await upload(sys, agency, caseId, 'Passport page', JPEG, {
      kind: 'PASSPORT_PAGE',
      fileName: 'passport.jpg',
      contentType: 'image/jpeg',
    });
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('an officer sees both documents, returns the case naming one attachment, sees the new version and passes it', async () => {
    const { context, page } = await openAs(sys, browser, 'WP_OFFICER', `/cases/${caseId}`);
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.getByRole('heading', { level: 1, name: `Case ${reference}` }).waitFor();
      const panel = page.getByTestId('attachments-panel');
      await panel.getByRole('heading', { name: 'Pre-examination of the attachments' }).waitFor();
      const degree = panel.locator('[data-testid=attachment][data-attachment-name="Degree certificate"]');
      const passport = panel.locator('[data-testid=attachment][data-attachment-name="Passport page"]');
      // The image is shown inline and really decoded; the PDF is in a frame on the file endpoint's origin.
      const img = passport.getByTestId('attachment-image');
      await expect.poll(() => img.evaluate(decodedWidth)).toBe(480);
      expect(await img.getAttribute('alt')).toBe('Scan of Passport page, version 1');
      const frameSrc = (await degree.getByTestId('attachment-pdf').getAttribute('src'))!;
      expect(new URL(frameSrc).origin).not.toBe(new URL(sys.stack.dashboardUrl).origin);
      await expect.poll(() => page.frames().some((f) => f.url() === frameSrc)).toBe(true);
      expect(await degree.getByTestId('attachment-verdict').textContent()).toBe('Not reviewed');
      await page.waitForTimeout(3000); // the PDF viewer paints a moment after its frame loads: for the picture only
      await screenshot(page, 'attachments-pre-exam-en', { fullPage: false });
      expect(await seriousViolations(page)).toEqual([]);

      // Mark the degree fine and the passport page as needing correction, then return.
      await degree.getByTestId('mark-fine').click();
      await expect.poll(() => degree.getByTestId('attachment-verdict').textContent()).toBe('✓ Fine');
      await passport
        .getByLabel('What to correct')
        .fill('The photo page is cut off at the bottom: scan the whole page.');
      await passport.getByTestId('mark-correction').click();
      await expect.poll(() => passport.getByTestId('attachment-verdict').textContent()).toBe('✗ Needs correction');
      const returnList = panel.getByTestId('return-list');
      await expect.poll(() => returnList.textContent()).toContain('Passport page: The photo page is cut off');
      expect(await panel.getByTestId('pass-case').isDisabled()).toBe(true);
      await panel.getByTestId('return-case').scrollIntoViewIfNeeded();
      await screenshot(page, 'attachments-marked-en', { fullPage: false });
      await panel.getByTestId('return-case').click();
      await expect.poll(() => page.getByTestId('case-status').textContent()).toBe('Returned for correction');
      const returned = await getCase(sys, agency, caseId);
      expect(returned.returnNotification!.items).toEqual([
        { field: 'Passport page', problem: 'The photo page is cut off at the bottom: scan the whole page.' },
      ]);

      // The agency sees which attachment, uploads a new version and resubmits.
      const seen = await attachmentsOf(sys, agency, caseId);
      expect(seen.filter((a) => a.needsCorrection).map((a) => a.name)).toEqual(['Passport page']);
      await upload(sys, agency, caseId, 'Passport page', PNG, {
        kind: 'PASSPORT_PAGE',
        fileName: 'passport-rescan.png',
        contentType: 'image/png',
      });
      expect((await sys.gql(RESUBMIT, { i: { caseId } }, agency)).errors).toBeUndefined();

      // The officer's page shows version 2 and keeps version 1 in the history.
      await page.reload();
      await expect.poll(() => passport.getByTestId('attachment-version').first().textContent()).toBe('Version 2');
      await expect.poll(() => passport.getByTestId('attachment-image').evaluate(decodedWidth)).toBe(240);
      await passport.getByText('All 2 versions').click();
      await passport.scrollIntoViewIfNeeded();
      await page.waitForTimeout(3000); // the PDF viewer's paint, for the picture only
      await screenshot(page, 'attachments-new-version-en', { fullPage: false });
      await passport.getByTestId('mark-fine').click();
      await expect.poll(() => passport.getByTestId('attachment-verdict').first().textContent()).toBe('✓ Fine');
      await panel.getByTestId('pass-case').click();
      await expect.poll(() => page.getByTestId('case-status').textContent()).toBe('Pre-exam passed');
      const final = await attachmentsOf(sys, agency, caseId);
      expect(final.map((a) => [a.name, a.current!.version, a.current!.verdict, a.versions.length])).toEqual([
        ['Degree certificate', 1, 'FINE', 1],
        ['Passport page', 2, 'FINE', 2],
      ]);
      // Each picture the browser loaded is a view in the access log.
      const log = await sys.sql.query(
        `SELECT 1 FROM wp.access_log WHERE case_id = $1 AND fields[1] LIKE 'attachment:%' AND actor_role = 'WP_OFFICER'`,
        [caseId],
      );
      expect(log.rowCount).toBeGreaterThanOrEqual(3);
    } finally {
      await context.close();
    }
  });

  it('shows the same screen in Chinese, and at 390 px, with every time in Beijing time', async () => {
    const { context, page } = await openAs(sys, browser, 'WP_OFFICER', `/cases/${caseId}`, {}, 'zh');
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      const panel = page.getByTestId('attachments-panel');
      await panel.getByRole('heading', { name: '网上提交的附件' }).waitFor();
      const passport = panel.locator('[data-testid=attachment][data-attachment-name="Passport page"]');
      await expect.poll(() => passport.getByTestId('attachment-verdict').first().textContent()).toBe('✓ 合格');
      expect(await passport.getByTestId('attachment-version').first().textContent()).toBe('第 2 版');
      await panel.scrollIntoViewIfNeeded();
      await page.waitForTimeout(3000); // the PDF viewer's paint, for the picture only
      await screenshot(page, 'attachments-passed-zh', { fullPage: false });
      await page.setViewportSize({ width: 390, height: 844 });
      await passport.scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await screenshot(page, 'attachments-passed-zh-390', { fullPage: false });
      // Nothing wider than the phone's screen.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an agency sees which attachment was returned and why, in its own case page', async () => {
    const c = await fileCase(
      sys,
      agency,
      filing(AGENCY_A.employerIds[0], await today(sys), { attachments: ['Degree certificate', 'Passport page'] }),
    );
    await upload(sys, agency, c.id, 'Passport page', JPEG, {
      kind: 'PASSPORT_PAGE',
      fileName: 'passport.jpg',
      contentType: 'image/jpeg',
    });
    const officer = await sys.token('WP_OFFICER');
    const [, passport] = await attachmentsOf(sys, officer, c.id);
    const r = await sys.gql(
      `mutation($i: ReturnCaseInput!) { returnCase(input: $i) { id } }`,
      { i: { caseId: c.id, items: [{ attachmentId: passport!.id, problem: 'Scan the whole page, in colour.' }] } },
      officer,
    );
    expect(r.errors).toBeUndefined();
    const { context, page } = await openAs(sys, browser, 'AGENCY', `/cases/${c.id}`, {
      agencyId: AGENCY_A.id,
      employerIds: [...AGENCY_A.employerIds],
    });
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      const panel = page.getByTestId('attachments-panel');
      const card = panel.locator('[data-testid=attachment][data-attachment-name="Passport page"]');
      await expect
        .poll(() => card.getByTestId('attachment-reason').textContent())
        .toBe('To correct: Scan the whole page, in colour.');
      expect(
        await panel
          .locator('[data-testid=attachment][data-attachment-name="Degree certificate"]')
          .getByTestId('attachment-missing')
          .textContent(),
      ).toBe('No file uploaded yet.');
      expect(await panel.getByTestId('mark-fine').count()).toBe(0);
      await page.waitForTimeout(300);
      await screenshot(page, 'attachments-agency-returned-en', { fullPage: false });
    } finally {
      await context.close();
    }
  });
});
