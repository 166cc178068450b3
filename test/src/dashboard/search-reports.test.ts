/**
 * The search and reports pages (issue 13, items 5 and 7) in Chromium, through the real stack:
 * name searches in Chinese characters and Latin letters (accents, case, partial) find the case
 * and land in the access log; passport prefix, reference prefix and employer searches; a CSV
 * export of a filtered list has exactly the rows the API returns for that filter (UTF-8 BOM,
 * Beijing times, formula-safe); the monthly report renders and prints; axe and 390 px.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  openAs,
  screenshot,
  seriousAxeViolations,
  startTestSystem,
  type GqlResponse,
  type TestSystem,
  AGENCY_A,
  AGENCY_B,
  agencyToken,
  applicantNamed,
  fileCase,
  filing,
  businessNow,
  today,
} from '../testkit/index.js';

const CASES = `query ($f: CaseFilter, $after: String, $o: CaseOrder) {
  cases(filter: $f, first: 100, after: $after, orderBy: $o) { edges { node { reference } } pageInfo { hasNextPage endCursor } }
}`;
const PASS = `mutation ($i: PassPreExaminationInput!) { passPreExamination(input: $i) { id status } }`;

interface Page_ {
  cases: { edges: { node: { reference: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
}

/** Every reference the API returns for a filter, page after page, in its order. */
async function apiReferences(sys: TestSystem, token: string, f: unknown, o = 'PRE_EXAM_DUE_ASC'): Promise<string[]> {
  const out: string[] = [];
  let after: string | null = null;
  for (;;) {
    const r: GqlResponse<Page_> = await sys.gql<Page_>(CASES, { f, after, o }, token);
    expect(r.errors).toBeUndefined();
    out.push(...r.data!.cases.edges.map((e) => e.node.reference));
    if (!r.data!.cases.pageInfo.hasNextPage) return out;
    after = r.data!.cases.pageInfo.endCursor;
  }
}

/** A minimal CSV reader for what the dashboard writes (every cell quoted, CRLF). */
function parseCsv(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter(Boolean)
    .map((line) => [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replace(/""/g, '"')));
}

async function downloadOf(page: Page, testId: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return readFile((await download.path())!, 'utf8');
}

async function search(page: Page, by: string, text: string): Promise<void> {
  await page.getByTestId('search-by').selectOption(by);
  await page.getByTestId('search-text').fill(text);
  await page.getByTestId('search-text').press('Enter');
  await page.getByTestId('search-results').or(page.getByText('No case you may see matches.')).first().waitFor();
}

/** The elements that stick out to the right of the viewport (for the 390 px check's message). */
const overflowing = (page: Page): Promise<string[]> =>
  page.evaluate(`[...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !e.closest('.table-scroll'))
    .slice(0, 5)
    .map((e) => e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`);

const rowIds = (page: Page): Promise<string[]> =>
  page.getByTestId('search-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case-id')!));

describe('dashboard: search, CSV export and the monthly report (Chromium)', () => {
  let sys: TestSystem;
  let browser: Browser;
  let zoe: { id: string; reference: string };
  let wang: { id: string; reference: string };
  let martin: { id: string; reference: string };
  let month: string;

  beforeAll(async () => {
    [sys, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
    const day = await today(sys);
    const applicant = applicantNamed;
    const a = await agencyToken(sys, 0);
    const b = await agencyToken(sys, 1);
    zoe = await fileCase(
      sys,
      a,
      filing(AGENCY_A.employerIds[0], day, { applicant: applicant('Zoë Lefèvre-Müller', 'QZ8812345') }),
    );
    wang = await fileCase(
      sys,
      b,
      filing(AGENCY_B.employerIds[0], day, { applicant: applicant('王小明', 'QY7712345') }),
    );
    martin = await fileCase(
      sys,
      b,
      filing(AGENCY_B.employerIds[1], day, { applicant: applicant('Zoe Martin', 'QY7799999') }),
    );
    // A name a spreadsheet would take for a formula, and a few more cases for the lists.
    await fileCase(
      sys,
      a,
      filing(AGENCY_A.employerIds[1], day, { applicant: applicant('=HYPERLINK("x") Zoé', 'QX1112345') }),
    );
    for (let i = 0; i < 3; i++) await fileCase(sys, a, filing(AGENCY_A.employerIds[0], day));
    const officer = await sys.token('WP_OFFICER');
    expect((await sys.gql(PASS, { i: { caseId: martin.id } }, officer)).errors).toBeUndefined();
    // What the counters recorded this month, for the throughput table (rows as acceptance and claim write them).
    const now = await businessNow(sys);
    month = day.slice(0, 7);
    await sys.sql.query(
      `INSERT INTO cs.acceptance (case_id, receipt_number, counter_id, accepted_at, accepted_by, issuance_due_at, issuance_due_provisional)
       SELECT 'report-' || g, 'RA-REPORT-' || g, CASE WHEN g % 2 = 0 THEN 'chaoyang-cbd' ELSE 'haidian-zgc' END,
              $1::timestamptz - (g % 3) * interval '1 hour', 'clerk-test', $1::timestamptz + interval '10 days', false
       FROM generate_series(1, 5) g`,
      [now],
    );
    await sys.sql.query(
      `INSERT INTO cs.claim (case_id, counter_id, claimed_at, claimed_by) VALUES ('report-2', 'chaoyang-cbd', $1, 'clerk-test')`,
      [now],
    );
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('finds a case by a name in Chinese characters and in Latin letters (accents, case, part), and logs both searches', async () => {
    const { context, page } = await openAs(sys, browser, 'WP_OFFICER', '/search');
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.getByRole('heading', { level: 1, name: 'Search cases' }).waitFor();
      await search(page, 'APPLICANT_NAME', '小明');
      expect(await rowIds(page)).toEqual([wang.id]);
      await search(page, 'APPLICANT_NAME', 'lefevre-MUL');
      expect(await rowIds(page)).toEqual([zoe.id]);
      expect(page.url()).toMatch(/\/search\?by=APPLICANT_NAME&q=lefevre-MUL$/);
      await search(page, 'APPLICANT_NAME', 'zoe');
      expect((await rowIds(page)).sort()).toContain(martin.id);
      await screenshot(page, 'search-en', { fullPage: false });
      expect(await seriousAxeViolations(page)).toEqual([]);
      const log = await sys.sql.query<{ search_text: string; case_id: string; fields: string[] }>(
        `SELECT search_text, case_id, fields FROM wp.access_log WHERE actor_id = 'wp_officer-test' AND search_text IS NOT NULL ORDER BY id`,
      );
      expect(log.rows.slice(0, 2)).toEqual([
        { search_text: '小明', case_id: wang.id, fields: ['search.applicantName'] },
        { search_text: 'lefevre-MUL', case_id: zoe.id, fields: ['search.applicantName'] },
      ]);
      // The manager reads it in the access log through the API.
      const read = await sys.gql<{ caseAccessLog: { edges: { node: { searchText: string | null } }[] } }>(
        `query { caseAccessLog(actorId: "wp_officer-test") { edges { node { searchText } } } }`,
        {},
        await sys.token('MANAGER'),
      );
      expect(read.data!.caseAccessLog.edges.map((e) => e.node.searchText)).toEqual(
        expect.arrayContaining(['小明', 'lefevre-MUL']),
      );
    } finally {
      await context.close();
    }
  });

  it('finds by passport prefix, reference prefix and employer; says what is wrong with a too-short text', async () => {
    const { context, page } = await openAs(sys, browser, 'EE_OFFICER', '/search');
    try {
      await search(page, 'PASSPORT_PREFIX', 'qy77');
      expect((await rowIds(page)).sort()).toEqual([wang.id, martin.id].sort());
      await search(page, 'REFERENCE_PREFIX', wang.reference);
      expect(await rowIds(page)).toEqual([wang.id]);
      await search(page, 'EMPLOYER', 'biopharma');
      expect(await rowIds(page)).toEqual([wang.id]);
      await page.getByTestId('search-text').fill('zo');
      await page.getByTestId('search-submit').click();
      await page.getByText(/needs at least 3 letters or digits, or 1 Chinese character/).waitFor();
    } finally {
      await context.close();
    }
    // A manager may not search by passport number: the option is not offered.
    const m = await openAs(sys, browser, 'MANAGER', '/search');
    try {
      await m.page.getByTestId('search-by').waitFor();
      expect(await m.page.getByTestId('search-by').locator('option').allTextContents()).not.toContain(
        'Passport number (start)',
      );
    } finally {
      await m.context.close();
    }
  });

  it('exports exactly the rows the API returns for a filtered list: search results and the work queue', async () => {
    const { context, page, token } = await openAs(sys, browser, 'WP_OFFICER', '/search?by=APPLICANT_NAME&q=zo%C3%A9');
    try {
      await page.getByTestId('search-results').waitFor();
      const text = await downloadOf(page, 'export-csv-search');
      expect(text.startsWith('\uFEFF')).toBe(true);
      const [head, ...rows] = parseCsv(text);
      expect(head).toEqual([
        'Reference',
        'Applicant',
        'Nationality',
        'Status',
        'Category',
        'Employer',
        'Agency',
        'Filed (Beijing time)',
        'Pre-examination due (Beijing time)',
      ]);
      const expected = await apiReferences(
        sys,
        token,
        { search: { by: 'APPLICANT_NAME', text: 'zoé' } },
        'SUBMITTED_DESC',
      );
      expect(expected).toHaveLength(3);
      expect(rows.map((r) => r[0])).toEqual(expected);
      // Formula-safe: the name that starts with "=" is written as text.
      expect(rows.map((r) => r[1])).toContain(`'=HYPERLINK("x") Zoé`);
      for (const r of rows) expect(r[7]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      // The work queue, filtered by status, from its toolbar.
      await page.goto(new URL('/cases', sys.stack.dashboardUrl).toString());
      await page.getByTestId('queue-filter').selectOption('SUBMITTED');
      await page.getByTestId('case-row').first().waitFor();
      const queue = parseCsv(await downloadOf(page, 'export-csv-cases')).slice(1);
      // In the work list's own order (DUE_ASC, the API's), every page of it.
      const api = await apiReferences(sys, token, { status: ['SUBMITTED'] }, 'DUE_ASC');
      expect(api.length).toBeGreaterThan(3);
      expect(queue.map((r) => r[0])).toEqual(api);
      expect(queue.every((r) => r[3] === 'Submitted')).toBe(true);
    } finally {
      await context.close();
    }
    // An agency's export holds its own employers' cases only, as the API scopes them.
    const agency = await openAs(sys, browser, 'AGENCY', '/cases', {
      agencyId: AGENCY_B.id,
      employerIds: [...AGENCY_B.employerIds],
    });
    try {
      await agency.page.getByTestId('case-row').first().waitFor();
      const rows = parseCsv(await downloadOf(agency.page, 'export-csv-cases')).slice(1);
      expect(rows.map((r) => r[0]).sort()).toEqual([wang.reference, martin.reference].sort());
      expect(rows.map((r) => r[6])).toEqual([AGENCY_B.name, AGENCY_B.name]);
    } finally {
      await agency.context.close();
    }
  });

  it('renders the monthly report, prints it without the page chrome, in English and Chinese, at 1366×768 and 390 px', async () => {
    const { context, page } = await openAs(sys, browser, 'MANAGER', `/reports?month=${month}`);
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      const kinds = page.getByTestId('report-sla-kind');
      await kinds.waitFor();
      // The case whose pre-examination was passed stopped its clock on time.
      const pre = kinds.getByRole('row', { name: /Pre-examination/ });
      expect(await pre.locator('td').first().textContent()).toBe('1');
      const throughput = page.getByTestId('report-throughput');
      expect(await throughput.locator('tfoot td').allTextContents()).toEqual(['5', '0', '1']);
      await page.getByTestId('report-counter').selectOption('chaoyang-cbd');
      expect(await throughput.locator('tfoot td').allTextContents()).toEqual(['2', '0', '1']);
      await page.getByTestId('report-counter').selectOption('');
      await screenshot(page, 'reports-en', { fullPage: false });
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('nav.nav').isVisible()).toBe(false);
      expect(await page.getByTestId('report-print').isVisible()).toBe(false);
      expect(await kinds.isVisible()).toBe(true);
      await screenshot(page, 'reports-print');
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, 'reports-390', { fullPage: false });
      expect(
        await page.evaluate('document.documentElement.scrollWidth'),
        (await overflowing(page)).join(', '),
      ).toBeLessThanOrEqual(390);
    } finally {
      await context.close();
    }
    const zh = await openAs(sys, browser, 'MANAGER', `/reports?month=${month}`, {}, 'zh');
    try {
      await zh.page.setViewportSize({ width: 1366, height: 768 });
      await zh.page.getByRole('heading', { level: 2, name: '各类时限达标情况' }).waitFor();
      await screenshot(zh.page, 'reports-zh', { fullPage: false });
      expect(await seriousAxeViolations(zh.page)).toEqual([]);
      await zh.page.goto(new URL('/search?by=APPLICANT_NAME&q=%E7%8E%8B', sys.stack.dashboardUrl).toString());
      await zh.page.getByTestId('search-results').waitFor();
      expect(await rowIds(zh.page)).toEqual([wang.id]);
      await screenshot(zh.page, 'search-zh', { fullPage: false });
      expect(await seriousAxeViolations(zh.page)).toEqual([]);
      await zh.page.setViewportSize({ width: 390, height: 844 });
      await screenshot(zh.page, 'search-zh-390', { fullPage: false });
      expect(
        await zh.page.evaluate('document.documentElement.scrollWidth'),
        (await overflowing(zh.page)).join(', '),
      ).toBeLessThanOrEqual(390);
    } finally {
      await zh.context.close();
    }
  });
});
