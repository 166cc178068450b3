/**
 * Helpers for the residence-permit tests: append the other subgraphs' events exactly as the
 * catalogue (services/common/src/domain/domain-events.ts) defines them, wait for the
 * residence-permit subgraph to react, and snapshot what it has written.
 */
import { randomUUID } from 'node:crypto';
import { addCalendarDays, shanghaiDate, weekday, WorkingDayCalendar } from '@onestop/common';
import { EVENT_TYPES, type CaseSubmittedPayload, type Category, type Route } from '@onestop/common/contract';
import { AGENCY_A, agencyToken, appendEvent, businessNow, EMPLOYER, waitFor, type TestSystem } from './index.js';

/** Moves the shared clock to 10:00 (Shanghai) of the next Monday–Friday working day, when the counters are open. */
export async function moveToNextWorkingMorning(sys: TestSystem): Promise<string> {
  const calendar = WorkingDayCalendar.fromOfficialData();
  const now = await businessNow(sys);
  let day = shanghaiDate(now);
  do day = addCalendarDays(day, 1);
  while (!calendar.isWorkingDay(day) || weekday(day) === 0 || weekday(day) === 6);
  await sys.advanceClock(new Date(`${day}T10:00:00+08:00`).getTime() - now.getTime());
  return day;
}

/** The business time `minutes` from now, as an ISO instant. */
export async function inMinutes(sys: TestSystem, minutes: number): Promise<string> {
  return new Date((await businessNow(sys)).getTime() + minutes * 60_000).toISOString();
}

/** Two Exit-Entry officers, a clerk and our agency: who decides, who counters, who files. */
export async function residencePermitActors(
  sys: TestSystem,
): Promise<{ ee: string; ee2: string; clerk: string; agency: string }> {
  const [ee, ee2, clerk, agency] = await Promise.all([
    sys.token('EE_OFFICER', { name: 'Officer Wang' }),
    sys.token('EE_OFFICER', { sub: 'ee-officer-2', name: 'Officer Zhao' }),
    sys.token('CLERK'),
    agencyToken(sys),
  ]);
  return { ee, ee2, clerk, agency };
}

export interface ResidenceCaseOptions {
  employerId?: string;
  category?: Category;
  route?: Route;
  dateOfBirth?: string;
  filedOn?: string;
  submittedAt?: Date;
}

let receiptSeq = 0;
/** A receipt number nobody else in this run uses (RA-<year>-<6 digits>). */
export function nextReceiptNumber(): string {
  receiptSeq++;
  return `RA-2026-${String(process.pid % 1000).padStart(3, '0')}${String(receiptSeq).padStart(3, '0')}`;
}

/** A case as the other subgraphs' events describe it. */
export class TestCase {
  readonly caseId = randomUUID();
  readonly reference: string;
  readonly employerId: string;
  receiptNumber: string | null = null;

  constructor(
    private readonly sys: TestSystem,
    private readonly opts: ResidenceCaseOptions = {},
  ) {
    this.employerId = opts.employerId ?? EMPLOYER;
    this.reference = `OS-2026-${this.caseId.slice(0, 6)}`;
  }

  /** work-permit's `case.submitted`; resolves once the residence permit exists. */
  async submit(): Promise<this> {
    const at = this.opts.submittedAt ?? new Date();
    const payload: CaseSubmittedPayload = {
      caseId: this.caseId,
      reference: this.reference,
      employerId: this.employerId,
      agencyId: AGENCY_A.id,
      category: this.opts.category ?? 'B',
      route: this.opts.route ?? 'NOTIFICATION_LETTER',
      applicant: {
        fullName: 'Test Applicant',
        nationality: 'FRA',
        dateOfBirth: this.opts.dateOfBirth ?? '1990-06-15',
        sex: 'FEMALE',
      },
      filedOn: this.opts.filedOn ?? '2026-03-02',
      submittedAt: at.toISOString(),
      preExamDueAt: new Date(at.getTime() + 3 * 86_400_000).toISOString(),
      preExamDueProvisional: false,
    };
    await appendEvent(this.sys.sql, {
      type: EVENT_TYPES.caseSubmitted,
      source: 'work-permit',
      aggregateId: this.caseId,
      employerId: this.employerId,
      payload: { ...payload },
    });
    await this.waitForRow('the residence permit to be created', (r) => r !== undefined);
    return this;
  }

  /** counter-scheduling's `case.documents-accepted`; resolves once the review started. */
  async acceptDocuments(opts: { acceptedAt?: Date; counterId?: string; receiptNumber?: string } = {}): Promise<this> {
    this.receiptNumber = opts.receiptNumber ?? nextReceiptNumber();
    const acceptedAt = opts.acceptedAt ?? new Date();
    await appendEvent(this.sys.sql, {
      type: EVENT_TYPES.documentsAccepted,
      source: 'counter-scheduling',
      aggregateId: this.caseId,
      employerId: this.employerId,
      counterId: opts.counterId ?? 'chaoyang-cbd',
      payload: {
        caseId: this.caseId,
        counterId: opts.counterId ?? 'chaoyang-cbd',
        receiptNumber: this.receiptNumber,
        acceptedAt: acceptedAt.toISOString(),
        issuanceDueAt: new Date(acceptedAt.getTime() + 7 * 86_400_000).toISOString(),
        issuanceDueProvisional: false,
      },
    });
    await this.waitForRow('the passport to be held', (r) => r?.receipt_number === this.receiptNumber);
    return this;
  }

  /** counter-scheduling's `case.claim-recorded`; resolves once the passport is released. */
  async recordClaim(claimedAt = new Date()): Promise<this> {
    await appendEvent(this.sys.sql, {
      type: EVENT_TYPES.claimRecorded,
      source: 'counter-scheduling',
      aggregateId: this.caseId,
      employerId: this.employerId,
      counterId: 'chaoyang-cbd',
      payload: { caseId: this.caseId, counterId: 'chaoyang-cbd', claimedAt: claimedAt.toISOString() },
    });
    await this.waitForRow('the passport to be released', (r) => r?.passport_released_at !== null);
    return this;
  }

  /** work-permit's `case.withdrawn`. */
  async withdraw(): Promise<this> {
    await appendEvent(this.sys.sql, {
      type: EVENT_TYPES.caseWithdrawn,
      source: 'work-permit',
      aggregateId: this.caseId,
      employerId: this.employerId,
      payload: {
        caseId: this.caseId,
        reference: this.reference,
        from: 'SUBMITTED',
        reason: null,
        withdrawnAt: new Date().toISOString(),
      },
    });
    await this.waitForRow('the permit to be withdrawn', (r) => r?.status === 'WITHDRAWN');
    return this;
  }

  async row(): Promise<Record<string, unknown> | undefined> {
    const r = await this.sys.sql.query('SELECT * FROM rp.residence_permit WHERE case_id = $1', [this.caseId]);
    return r.rows[0];
  }

  /** Events about this case, oldest first, optionally of one type. */
  async events(
    type?: string,
  ): Promise<
    { type: string; payload: Record<string, unknown>; employer_id: string | null; actor_id: string | null }[]
  > {
    const r = await this.sys.sql.query(
      `SELECT type, payload, employer_id, actor_id FROM platform.event_log WHERE aggregate_id = $1 AND source = 'residence-permit' ${type ? 'AND type = $2' : ''} ORDER BY id`,
      type ? [this.caseId, type] : [this.caseId],
    );
    return r.rows;
  }

  /**
   * Everything residence-permit holds about the case, plus the count of events it appended:
   * equal snapshots before and after an operation mean it wrote nothing.
   */
  async snapshot(): Promise<string> {
    const permit = await this.sys.sql.query('SELECT * FROM rp.residence_permit WHERE case_id = $1', [this.caseId]);
    const id = permit.rows[0]?.id ?? null;
    const items = await this.sys.sql.query('SELECT * FROM rp.material_item WHERE permit_id = $1 ORDER BY item', [id]);
    const verifications = await this.sys.sql.query('SELECT * FROM rp.verification WHERE permit_id = $1 ORDER BY id', [
      id,
    ]);
    const events = await this.sys.sql.query(
      'SELECT count(*)::int AS n FROM platform.event_log WHERE aggregate_id = $1',
      [this.caseId],
    );
    return JSON.stringify({
      permit: permit.rows,
      items: items.rows,
      verifications: verifications.rows,
      events: events.rows[0].n,
    });
  }

  private async waitForRow(what: string, ok: (r: Record<string, unknown> | undefined) => boolean): Promise<void> {
    await waitFor(async () => ok(await this.row()), 10_000, `${what} (case ${this.caseId})`);
  }
}

/** A case filed through events (work-permit's `case.submitted`); resolves once its residence permit exists. */
export function seedResidenceCase(sys: TestSystem, opts: ResidenceCaseOptions = {}): Promise<TestCase> {
  return new TestCase(sys, opts).submit();
}

/** Every residence-permit field the tests read. */
export const PERMIT_FIELDS = `
  id caseId caseReference employerId category route filedOn status
  materials { complete missing items { item state recordedBy counterId recordedAt applicationForm { blackInk } } }
  interview { required reason exemptions declaredGrounds status satisfied scheduled
    demandedBy { officerId reason } proxy { kind name idCopyReference } }
  verifications { id kind status scheduledAt outcome notes recordedBy }
  passportCustody { held receiptNumber heldSince counterId releasedAt workingDaysHeld }
  decision { outcome permitNumber validFrom validUntil reasons decidedBy }
`;

/** A residence permit as `PERMIT_FIELDS` selects it. */
export interface PermitView {
  id: string;
  status: string;
  materials: {
    complete: boolean;
    missing: string[];
    items: {
      item: string;
      state: string;
      recordedBy: string | null;
      counterId: string | null;
      recordedAt: string | null;
    }[];
  };
  interview: {
    required: boolean;
    reason: string;
    exemptions: string[];
    declaredGrounds: string[];
    status: string;
    satisfied: boolean;
    scheduled: boolean;
    demandedBy: { officerId: string; reason: string } | null;
    proxy: { kind: string; name: string; idCopyReference: string } | null;
  };
  verifications: {
    id: string;
    kind: string;
    status: string;
    outcome: string | null;
    notes: string | null;
    recordedBy: string | null;
  }[];
  passportCustody: { held: boolean; receiptNumber: string } | null;
  decision: {
    outcome: string;
    permitNumber: string | null;
    validFrom: string | null;
    validUntil: string | null;
    reasons: string[];
    decidedBy: string;
  } | null;
}

export const GET_PERMIT = `query ($caseId: ID!) { residencePermit(caseId: $caseId) { ${PERMIT_FIELDS} } }`;

/** The four residence-permit materials, all verified. */
export const ALL_VERIFIED = [
  { item: 'PASSPORT', state: 'VERIFIED' },
  {
    item: 'APPLICATION_FORM',
    state: 'VERIFIED',
    applicationForm: { blackInk: true, colourPhoto2Inch: true, whiteBackground: true, noHeadwear: true },
  },
  { item: 'ACCOMMODATION_REGISTRATION', state: 'VERIFIED' },
  { item: 'EMPLOYER_OPINION_LETTER', state: 'VERIFIED' },
];

/** The residence-permit operations, each returning every field the tests read. */
export const OPS = {
  recordMaterials: `mutation ($caseId: ID!, $items: [ResidenceMaterialInput!]!) { recordResidenceMaterials(caseId: $caseId, items: $items) { ${PERMIT_FIELDS} } }`,
  declare: `mutation ($caseId: ID!, $input: InterviewExemptionInput!) { declareInterviewExemption(caseId: $caseId, input: $input) { ${PERMIT_FIELDS} } }`,
  demand: `mutation ($caseId: ID!, $reason: String!) { demandInterview(caseId: $caseId, reason: $reason) { ${PERMIT_FIELDS} } }`,
  schedule: `mutation ($caseId: ID!, $input: ScheduleVerificationInput!) { scheduleVerification(caseId: $caseId, input: $input) { ${PERMIT_FIELDS} } }`,
  recordVerification: `mutation ($id: ID!, $input: VerificationOutcomeInput!) { recordVerificationOutcome(verificationId: $id, input: $input) { ${PERMIT_FIELDS} } }`,
  issue: `mutation ($caseId: ID!, $input: IssueResidencePermitInput!) { issueResidencePermit(caseId: $caseId, input: $input) { ${PERMIT_FIELDS} } }`,
  refuse: `mutation ($caseId: ID!, $reasons: [String!]!) { refuseResidencePermit(caseId: $caseId, reasons: $reasons) { ${PERMIT_FIELDS} } }`,
  receipt: `query ($number: String!) { receiptOfAcceptance(number: $number) { valid issuedOn } }`,
};
