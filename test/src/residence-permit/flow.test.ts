/**
 * The real flow across the three subgraphs, nothing appended by hand: work-permit files the case,
 * counter-scheduling checks it in and accepts the documents (its projection reads
 * residence-permit's materials and interview events), residence-permit holds the passport,
 * verifies, decides, and releases the passport at the claim.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays } from '@onestop/common';
import { EVENT_TYPES } from '@onestop/common/contract';
import { DEMO_EMPLOYERS } from '@onestop/common/testing';
import {
  ok,
  startTestSystem,
  waitFor,
  type TestSystem,
  ALL_VERIFIED,
  businessNow,
  moveToNextWorkingMorning,
  OPS,
  agencyToken,
  serveCase,
  filing,
} from '../testkit/index.js';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys?.stop();
});

describe('residence-permit in the real flow', () => {
  it('filed → checked in → materials → interview scheduled → accepted (passport held) → interview → both issued → claimed (passport back)', async () => {
    const day = await moveToNextWorkingMorning(sys);
    const [agency, wpOfficer, ee, clerk] = await Promise.all([
      agencyToken(sys),
      sys.token('WP_OFFICER'),
      sys.token('EE_OFFICER'),
      sys.token('CLERK', { counterId: 'chaoyang-cbd' }),
    ]);
    const CASE = `query ($id: ID!) { case(id: $id) { id status workPermitMaterials { items { item } } residencePermit { status interview { required status } passportCustody { held receiptNumber } } } }`;
    type CaseView = {
      case: {
        id: string;
        status: string;
        workPermitMaterials: { items: { item: string }[] };
        residencePermit: {
          status: string;
          interview: { required: boolean; status: string };
          passportCustody: { held: boolean; receiptNumber: string } | null;
        } | null;
      };
    };
    const caseOf = async (): Promise<CaseView['case']> => ok(await sys.gql<CaseView>(CASE, { id: caseId }, ee)).case;

    // Category A walks in without an appointment; aged 30: the interview is required.
    const filed = ok(
      await sys.gql<{ fileCase: { id: string } }>(
        `mutation ($i: FileCaseInput!) { fileCase(input: $i) { id } }`,
        { i: filing(DEMO_EMPLOYERS[0].id, day, { category: 'A' }) },
        agency,
      ),
    );
    const caseId = filed.fileCase.id;
    await waitFor(
      async () => (await caseOf()).residencePermit?.status === 'AWAITING_DOCUMENTS',
      10_000,
      'the residence permit',
    );
    expect((await caseOf()).residencePermit!.interview).toEqual({ required: true, status: 'PENDING' });

    ok(
      await sys.gql(
        `mutation ($i: PassPreExaminationInput!) { passPreExamination(input: $i) { id } }`,
        { i: { caseId } },
        wpOfficer,
      ),
    );
    ok(await sys.gql(`mutation ($caseId: ID!) { checkIn(caseId: $caseId) { id } }`, { caseId }, clerk));
    await serveCase(sys, clerk, caseId);
    for (const { item } of (await caseOf()).workPermitMaterials.items) {
      ok(
        await sys.gql(
          `mutation ($i: RecordWorkPermitMaterialInput!) { recordWorkPermitMaterial(input: $i) { id } }`,
          { i: { caseId, item, present: true } },
          clerk,
        ),
      );
    }
    ok(await sys.gql(OPS.recordMaterials, { caseId, items: ALL_VERIFIED }, clerk));
    const inHalfAnHour = new Date((await businessNow(sys)).getTime() + 30 * 60_000).toISOString();
    const scheduled = ok(
      await sys.gql<{ scheduleVerification: { verifications: { id: string }[] } }>(
        OPS.schedule,
        { caseId, input: { idempotencyKey: randomUUID(), kind: 'FACE_TO_FACE_INTERVIEW', scheduledAt: inHalfAnHour } },
        ee,
      ),
    );

    // counter-scheduling accepts once its projection has our checklist and "interview scheduled".
    const ACCEPT = `mutation ($caseId: ID!) { acceptDocuments(caseId: $caseId) { receiptNumber } }`;
    const accepted = await waitFor(
      async () => {
        const r = await sys.gql<{ acceptDocuments: { receiptNumber: string } }>(ACCEPT, { caseId }, clerk);
        return r.errors ? undefined : r.data!.acceptDocuments;
      },
      10_000,
      'acceptance',
    );
    await waitFor(
      async () => (await caseOf()).residencePermit?.status === 'UNDER_REVIEW',
      10_000,
      'the review to start',
    );
    expect((await caseOf()).residencePermit!.passportCustody).toEqual({
      held: true,
      receiptNumber: accepted.receiptNumber,
    });
    const receipt = async (): Promise<unknown> =>
      ok(await sys.gql<{ receiptOfAcceptance: unknown }>(OPS.receipt, { number: accepted.receiptNumber }, null))
        .receiptOfAcceptance;
    expect(await receipt()).toEqual({ valid: true, issuedOn: day });

    await sys.advanceClock(31 * 60_000);
    ok(
      await sys.gql(
        OPS.recordVerification,
        { id: scheduled.scheduleVerification.verifications[0]!.id, input: { outcome: 'CONFIRMED' } },
        ee,
      ),
    );
    ok(
      await sys.gql(
        OPS.issue,
        {
          caseId,
          input: {
            permitNumber: `RP-FLOW-${caseId.slice(0, 6)}`,
            validFrom: day,
            validUntil: addCalendarDays(day, 364),
          },
        },
        ee,
      ),
    );
    await waitFor(
      async () => (await caseOf()).status === 'ACCEPTED' || undefined,
      10_000,
      'work-permit to see the acceptance',
    );
    ok(
      await sys.gql(
        `mutation ($i: IssueWorkPermitInput!) { issueWorkPermit(input: $i) { id } }`,
        { i: { caseId, permitNumber: `WP-FLOW-${caseId.slice(0, 6)}` } },
        wpOfficer,
      ),
    );

    const CLAIM = `mutation ($caseId: ID!) { recordClaim(caseId: $caseId) { claimedAt } }`;
    await waitFor(async () => !(await sys.gql(CLAIM, { caseId }, clerk)).errors, 10_000, 'the claim');
    await waitFor(
      async () => (await caseOf()).residencePermit?.passportCustody?.held === false,
      10_000,
      'the passport to be released',
    );
    expect(await receipt()).toEqual({ valid: false, issuedOn: null });
    const released = await sys.sql.query(
      `SELECT count(*)::int AS n FROM platform.event_log WHERE aggregate_id = $1 AND type = $2`,
      [caseId, EVENT_TYPES.passportReleased],
    );
    expect(released.rows[0].n).toBe(1);
    expect((await caseOf()).residencePermit!.status).toBe('ISSUED');
  });
});
