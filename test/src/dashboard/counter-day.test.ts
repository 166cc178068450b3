/**
 * A clerk's day at the counter, in Chromium, through the real stack (issue 12): sign in at a
 * counter and window; check in a Category A walk-in and a Category B with an appointment; a
 * Category B without one is refused with the reason; call next; acceptance with one material
 * missing is refused and lists it; complete acceptance prints a receipt whose QR code resolves
 * through the public look-up; the claim is refused until both permits are issued, then made.
 * Screenshots of each screen in English and Chinese; axe-core on each.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays } from '@onestop/common';
import {
  waitForReadiness,
  decodeQrDataUrl,
  launchBrowser,
  screenshot,
  seriousAxeViolations,
  signInAtProvider,
  toLoginPage,
  moveToNextWorkingMorning,
  OPS,
  EMPLOYER,
  agencyToken,
  ok,
  startTestSystem,
  waitFor,
  type TestSystem,
  filing,
} from '../testkit/index.js';

const COUNTER = 'chaoyang-cbd';
const FILE = `mutation ($i: FileCaseInput!) { fileCase(input: $i) { id reference applicant { passportNumber } } }`;
const PASS = `mutation ($i: PassPreExaminationInput!) { passPreExamination(input: $i) { id } }`;
const BOOK = `mutation ($caseId: ID!, $counterId: ID!, $slotStart: DateTimeISO!, $key: String!) {
  bookAppointment(caseId: $caseId, counterId: $counterId, slotStart: $slotStart, idempotencyKey: $key) { letterNumber } }`;
const CASE = `query ($id: ID!) { case(id: $id) { status residencePermit { status } } }`;

interface Filed {
  id: string;
  reference: string;
  applicant: { passportNumber: string };
}

describe('the counter workstation: a clerk’s day (Chromium, real stack)', () => {
  let sys: TestSystem;
  let browser: Browser;
  let day: string;
  let agency: string;
  let wp: string;
  let ee: string;
  let walkIn: Filed;
  let booked: Filed;
  let unbooked: Filed;
  let letter: string;

  const file = async (category: 'A' | 'B'): Promise<Filed> => {
    const filed = ok(
      await sys.gql<{ fileCase: Filed }>(
        FILE,
        {
          // Aged over 60: no interview, so the day is about the counter.
          i: filing(EMPLOYER, day, {
            category,
            applicant: {
              fullName: category === 'A' ? 'Anna Weber' : 'Bruno Costa',
              nationality: category === 'A' ? 'DEU' : 'PRT',
              passportNumber: `E${Math.floor(10_000_000 + Math.random() * 89_999_999)}`,
              dateOfBirth: '1955-04-12',
              sex: category === 'A' ? 'FEMALE' : 'MALE',
              householdRegistration: 'NEVER_REGISTERED',
            },
          }),
        },
        agency,
      ),
    ).fileCase;
    ok(await sys.gql(PASS, { i: { caseId: filed.id } }, wp));
    await waitForReadiness(sys, filed.id, (r) => r.pre_exam_passed === true && r.interview !== null);
    return filed;
  };

  beforeAll(async () => {
    [sys, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
    [agency, wp, ee] = await Promise.all([agencyToken(sys), sys.token('WP_OFFICER'), sys.token('EE_OFFICER')]);
    day = await moveToNextWorkingMorning(sys);
    walkIn = await file('A');
    booked = await file('B');
    unbooked = await file('B');
    letter = ok(
      await sys.gql<{ bookAppointment: { letterNumber: string } }>(
        BOOK,
        { caseId: booked.id, counterId: COUNTER, slotStart: `${day}T15:00:00+08:00`, key: `day-${booked.id}` },
        agency,
      ),
    ).bookAppointment.letterNumber;
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it(
    'plays a clerk’s day: window, check-in, queue, acceptance with receipt and QR, claim',
    { timeout: 600_000 },
    async () => {
      const context = await browser.newContext({
        viewport: { width: 1366, height: 768 },
        locale: 'en-GB',
        timezoneId: 'Europe/London',
      });
      await context.addInitScript({
        content: `if (!localStorage.getItem('onestop.lang')) localStorage.setItem('onestop.lang', 'en');`,
      });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const violations: Record<string, unknown[]> = {};
      const look = async (name: string): Promise<void> => {
        await screenshot(page, `counter-${name}-en`);
        violations[name] = await seriousAxeViolations(page);
        await setLang(page, 'zh');
        await screenshot(page, `counter-${name}-zh`);
        await setLang(page, 'en');
      };
      try {
        // 1. Sign in at the identity provider (the seeded clerk of chaoyang-cbd), then choose the window.
        await toLoginPage(page, sys);
        await signInAtProvider(page, 'clerk');
        await page.waitForURL(/\/counter\/window/);
        await page.getByTestId('open-window-2').waitFor();
        await look('window');
        await page.getByTestId('open-window-2').click();
        await page.waitForURL(/\/counter$/);
        expect(await page.getByTestId('workstation').textContent()).toMatch(
          /Chaoyang CBD International Talent Hub · window 2/,
        );
        const load = ok(
          await sys.gql<{ counterLoad: { windowsOpen: number } }>(
            `query { counterLoad(counterId: "${COUNTER}") { windowsOpen } }`,
            {},
            await sys.token('MANAGER'),
          ),
        );
        expect(load.counterLoad.windowsOpen).toBe(1);

        // 2. Check-in desk: the walk-in by case reference, said before it happens.
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Check-in' }).click();
        await page.getByTestId('by-reference').check();
        await page.getByTestId('checkin-query').fill(walkIn.reference);
        await page.getByTestId('checkin-find').click();
        await expect.poll(() => page.getByTestId('checkin-will').getAttribute('data-outcome')).toBe('WALK_IN');
        expect(await page.getByTestId('checkin-will').textContent()).toMatch(
          /Category A: walks in without an appointment/,
        );
        await look('checkin-preview');
        await page.getByTestId('checkin-issue').click();
        const walkInTicket = (await page.getByTestId('ticket-number').textContent())!;
        expect(walkInTicket).toMatch(/^W-\d{3}$/);
        await look('ticket');
        await page.emulateMedia({ media: 'print' });
        await screenshot(page, 'counter-ticket-print');
        expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
        await page.emulateMedia({ media: 'screen' });

        // The Category B with today's appointment, by its letter number.
        await page.getByTestId('checkin-next').click();
        await page.getByTestId('by-letter').check();
        await page.getByTestId('checkin-query').fill(letter.toLowerCase());
        await page.getByTestId('checkin-find').click();
        await expect.poll(() => page.getByTestId('checkin-will').getAttribute('data-outcome')).toBe('APPOINTMENT');
        expect(await page.getByTestId('checkin-will').textContent()).toContain(letter);
        await page.getByTestId('checkin-issue').click();
        expect(await page.getByTestId('ticket-number').textContent()).toMatch(/^P-\d{3}$/);

        // The Category B without one, by passport number: refused with the reason, no ticket offered.
        await page.getByTestId('checkin-next').click();
        await page.getByTestId('by-passport').check();
        await page.getByTestId('checkin-query').fill(unbooked.applicant.passportNumber);
        await page.getByTestId('checkin-find').click();
        await expect.poll(() => page.getByTestId('checkin-will').getAttribute('data-outcome')).toBe('REFUSED');
        expect(await page.getByTestId('checkin-will').textContent()).toMatch(
          /Cannot be checked in: Category B and C applicants need an appointment at this counter today/,
        );
        expect(await page.getByTestId('checkin-reason').textContent()).toMatch(/it has no booked appointment/);
        expect(await page.getByTestId('checkin-issue').count()).toBe(0);
        await look('checkin-refused');

        // 3. The queue: call next with the keyboard (the walk-in: the appointment's slot has not started), start.
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).click();
        await expect.poll(() => page.getByTestId('queue-row').count()).toBe(2);
        // The network drops: the clerk is told at once, nothing is sent; "Try again" sends it once, when back.
        await context.setOffline(true);
        await page.keyboard.press('n');
        await page.getByTestId('connection-lost').waitFor();
        expect(await page.getByTestId('connection-lost').textContent()).toMatch(/No connection/);
        expect(await page.getByTestId('serving-ticket').count()).toBe(0);
        await context.setOffline(false);
        await page.getByTestId('connection-lost').getByRole('button', { name: 'Try again' }).click();
        await expect.poll(() => page.getByTestId('serving-ticket').textContent()).toBe(walkInTicket);
        // The header's indicator does not stay "Offline" once the network is back (the socket may never have closed).
        await expect
          .poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: 15_000 })
          .toBe('connected');
        const called = await sys.sql.query(
          `SELECT count(*)::int AS n FROM platform.event_log WHERE type = 'queue.ticket-called' AND counter_id = $1`,
          [COUNTER],
        );
        expect(called.rows[0]).toEqual({ n: 1 });
        // Focus went on to the next natural action: the keyboard works from here.
        await expect.poll(() => page.evaluate('document.activeElement?.dataset?.testid')).toBe('action-s');
        await page.keyboard.press('s');
        await expect.poll(() => page.getByTestId('serving-status').textContent()).toBe('Being served');
        await expect.poll(() => page.evaluate('document.activeElement?.dataset?.testid')).toBe('action-a');
        await page.getByTestId('case-summary').waitFor();
        await look('queue');

        // 4. Acceptance: both checklists; one material missing is refused, listing it.
        await page.keyboard.press('a');
        await page.waitForURL(new RegExp(`/counter/accept/${walkIn.id}$`));
        const wpBoxes = page.locator('[data-testid^="wp-"][type=checkbox]');
        await expect.poll(() => wpBoxes.count()).toBeGreaterThan(2);
        for (const box of await wpBoxes.all()) {
          if ((await box.getAttribute('data-testid')) === 'wp-applicant-passport') continue;
          await box.check();
        }
        // The application form's four checks first: it is "checked" only with all four.
        for (const k of ['blackInk', 'colourPhoto2Inch', 'whiteBackground', 'noHeadwear']) {
          await page.getByTestId(`rp-form-${k}`).check();
        }
        for (const item of ['PASSPORT', 'APPLICATION_FORM', 'ACCOMMODATION_REGISTRATION', 'EMPLOYER_OPINION_LETTER']) {
          await page.getByTestId(`rp-${item}-VERIFIED`).check();
        }
        await expect.poll(async () => await page.getByTestId('rp-checklist').locator('input:checked').count()).toBe(8);
        await waitForReadiness(
          sys,
          walkIn.id,
          (r) => (r.rp_materials as { complete?: boolean } | null)?.complete === true,
        );
        await page.getByTestId('accept-submit').click();
        await page.getByTestId('accept-refused').waitFor();
        expect(await page.getByTestId('accept-refused').textContent()).toContain(
          "work permit materials missing: Applicant's original passport",
        );
        await look('acceptance-refused');

        // Complete: the receipt of acceptance, printed, with a QR code of the public look-up.
        await page.getByTestId('wp-applicant-passport').check();
        await expect.poll(() => page.getByTestId('wp-applicant-passport').isChecked()).toBe(true);
        // The counter learns of the checklist from work-permit's event (a moment later): wait for it, as the clerk would retry.
        await waitForReadiness(
          sys,
          walkIn.id,
          (r) => (r.wp_materials as { complete?: boolean } | null)?.complete === true,
        );
        await page.getByTestId('accept-submit').click();
        await page.getByTestId('receipt').waitFor();
        const receipt = (await page.getByTestId('receipt-number').textContent())!;
        expect(receipt).toMatch(/^RA-\d{4}-\d{6}$/);
        expect(await page.getByTestId('receipt-counter').textContent()).toMatch(
          /Chaoyang CBD International Talent Hub, /,
        );
        expect(await page.getByTestId('receipt-due').textContent()).toMatch(/^\w{3},? \d{1,2} \w{3} \d{4}/);
        const qr = page.getByTestId('receipt-qr');
        await qr.waitFor();
        const decoded = decodeQrDataUrl((await qr.getAttribute('src'))!);
        expect(decoded).toBe(new URL(`/receipt/${receipt}`, sys.stack.dashboardUrl).toString());
        await look('receipt');
        await page.emulateMedia({ media: 'print' });
        await screenshot(page, 'counter-receipt-print');
        await page.emulateMedia({ media: 'screen' });

        // The QR code's address, opened by anyone (no sign-in): the public look-up says valid.
        const visitor = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB' });
        try {
          const phone = await visitor.newPage();
          await phone.goto(decoded!);
          await expect
            .poll(() => phone.getByTestId('receipt-check').getAttribute('data-valid'), { timeout: 15_000 })
            .toBe('true');
          await screenshot(phone, 'counter-receipt-lookup-390');
          violations['receipt-lookup'] = await seriousAxeViolations(phone);
        } finally {
          await visitor.close();
        }
        expect(ok(await sys.gql(OPS.receipt, { number: receipt }, null))).toEqual({
          receiptOfAcceptance: { valid: true, issuedOn: day },
        });

        // Back at the queue: complete the visit.
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).click();
        await expect.poll(() => page.getByTestId('serving-status').textContent()).toBe('Being served');
        await page.keyboard.press('c');
        await expect.poll(() => page.getByTestId('serving-ticket').count()).toBe(0);

        // 5. Claim desk: refused with the reason while the permits are being decided.
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Claim' }).click();
        await page.getByTestId('claim-receipt').fill(receipt);
        await page.keyboard.press('Enter');
        await page.getByTestId('claim-case').waitFor();
        expect(await page.getByTestId('claim-not-ready').textContent()).toMatch(/both permits must be decided first/);
        await page.getByTestId('claim-hand-over').click();
        await page.getByTestId('claim-error').waitFor();
        expect(await page.getByTestId('claim-error').textContent()).toMatch(/not ready for claim/);
        await look('claim-not-ready');

        // Both permits issued (the officers' work, through the API).
        await waitFor(
          async () =>
            ok(await sys.gql<{ case: { residencePermit: { status: string } } }>(CASE, { id: walkIn.id }, ee)).case
              .residencePermit.status === 'UNDER_REVIEW' || undefined,
          15_000,
          'the residence-permit review to start',
        );
        await waitFor(
          async () =>
            ok(await sys.gql<{ case: { status: string } }>(CASE, { id: walkIn.id }, wp)).case.status === 'ACCEPTED' ||
            undefined,
          15_000,
          'work-permit to see the acceptance',
        );
        ok(
          await sys.gql(
            `mutation ($i: IssueWorkPermitInput!) { issueWorkPermit(input: $i) { id } }`,
            { i: { caseId: walkIn.id, permitNumber: `WP-DAY-${walkIn.id.slice(0, 6)}` } },
            wp,
          ),
        );
        ok(
          await sys.gql(
            OPS.issue,
            {
              caseId: walkIn.id,
              input: {
                permitNumber: `RP-DAY-${walkIn.id.slice(0, 6)}`,
                validFrom: day,
                validUntil: addCalendarDays(day, 364),
              },
            },
            ee,
          ),
        );
        await waitForReadiness(sys, walkIn.id, (r) => r.ready_for_claim === true);

        // 6. The claim: both permits shown, handed over with the passport.
        await page.getByTestId('claim-find').click();
        await expect.poll(() => page.getByTestId('claim-rp').textContent()).toMatch(/^Issued/);
        expect(await page.getByTestId('claim-wp').textContent()).toMatch(/^Issued · WP-DAY-/);
        await page.getByTestId('claim-hand-over').click();
        await page.getByTestId('claim-done').waitFor();
        await look('claim-done');
        await waitFor(
          async () =>
            ok(await sys.gql<{ case: { status: string } }>(CASE, { id: walkIn.id }, wp)).case.status === 'CLAIMED' ||
            undefined,
          15_000,
          'the case to be claimed',
        );
        // The passport is back: the receipt no longer stands for it.
        await waitFor(
          async () =>
            ok(await sys.gql<{ receiptOfAcceptance: { valid: boolean } }>(OPS.receipt, { number: receipt }, null))
              .receiptOfAcceptance.valid === false || undefined,
          15_000,
          'the receipt to be closed',
        );

        // At 390 px the queue still works (one column).
        await page.setViewportSize({ width: 390, height: 844 });
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).click();
        await page.getByTestId('now-serving').waitFor();
        await screenshot(page, 'counter-queue-390');

        expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((k) => [k, []])));
      } finally {
        await context.close();
      }
    },
  );
});

async function setLang(page: Page, lang: 'en' | 'zh'): Promise<void> {
  await page.getByTestId('language').selectOption(lang);
  await page.waitForFunction(`document.documentElement.lang === '${lang === 'zh' ? 'zh-CN' : 'en'}'`);
}
