import { GraphQLRequestError, type Identities } from '../lib/graphql-client.js';
import { MissingOperationError, UnfillableInputError, type Api, type Selection } from './api.js';
import type { CasePlan } from './plan.js';

/** One simulated case: its plan and what the API has told us about it. */
export interface SimCase {
  plan: CasePlan;
  id?: string;
  reference?: string;
  /** Last status the simulator knows of (the API is the authority; the summary asks it). */
  status: string;
  counterId: string;
  appointmentStart?: Date;
  ticketId?: string;
  checkedInAt?: Date;
  calledAt?: Date;
  window?: number;
  /** Verifications scheduled for the residence permit, to record their outcome before the decision. */
  verificationIds?: string[];
  /** When the interview takes place: its outcome can be recorded only afterwards. */
  interviewAt?: Date;
}

/**
 * Every step of the simulated day with the operations it uses (`Root.a|b`: the first that
 * exists is used). A step whose operations are missing is reported, never skipped silently.
 */
export const STEPS = {
  fileCase: { who: 'AGENCY', ops: ['Mutation.fileCase'] },
  withdrawCase: { who: 'AGENCY', ops: ['Mutation.withdrawCase'] },
  returnCase: { who: 'WP_OFFICER', ops: ['Mutation.returnCase'] },
  resubmitCase: { who: 'AGENCY', ops: ['Mutation.resubmitCase'] },
  passPreExamination: { who: 'WP_OFFICER', ops: ['Mutation.passPreExamination'] },
  availableSlots: { who: 'AGENCY', ops: ['Query.availableSlots'] },
  bookAppointment: { who: 'AGENCY', ops: ['Mutation.bookAppointment'] },
  checkIn: { who: 'CLERK', ops: ['Mutation.checkIn'] },
  callNext: { who: 'CLERK', ops: ['Mutation.callNext'] },
  startService: { who: 'CLERK', ops: ['Mutation.startService'] },
  workPermitChecklist: { who: 'CLERK', ops: ['Query.case'] },
  workPermitMaterials: { who: 'CLERK', ops: ['Mutation.recordWorkPermitMaterial'] },
  residencePermitMaterials: { who: 'CLERK', ops: ['Mutation.recordResidenceMaterials'] },
  interviewRequirement: { who: 'EE_OFFICER', ops: ['Query.residencePermit'] },
  scheduleInterview: { who: 'EE_OFFICER', ops: ['Mutation.scheduleVerification'] },
  acceptDocuments: { who: 'CLERK', ops: ['Mutation.acceptDocuments'] },
  completeService: { who: 'CLERK', ops: ['Mutation.completeService'] },
  recordVerification: { who: 'EE_OFFICER', ops: ['Mutation.recordVerificationOutcome'] },
  issueWorkPermit: { who: 'WP_OFFICER', ops: ['Mutation.issueWorkPermit'] },
  refuseWorkPermit: { who: 'WP_OFFICER', ops: ['Mutation.refuseWorkPermit'] },
  issueResidencePermit: { who: 'EE_OFFICER', ops: ['Mutation.issueResidencePermit'] },
  refuseResidencePermit: { who: 'EE_OFFICER', ops: ['Mutation.refuseResidencePermit'] },
  recordClaim: { who: 'CLERK', ops: ['Mutation.recordClaim'] },
  caseStatus: { who: 'MANAGER', ops: ['Query.case'] },
  counterQueue: { who: 'MANAGER', ops: ['Query.counterQueue'] },
  cityLoad: { who: 'MANAGER', ops: ['Query.cityLoad'] },
  slaBreaches: { who: 'MANAGER', ops: ['Query.slaBreaches'] },
} as const;
export type StepName = keyof typeof STEPS;

const names = (s: string): string[] => s.split('.')[1]!.split('|');

/** How a step went over the day. */
export interface StepStats {
  attempted: number;
  ok: number;
  /** Failures by error code (the API's `extensions.code`, or the error's name). */
  failed: Record<string, number>;
  /** Operations the API lacks (the step could not run at all). */
  missing: string[];
  /** Required arguments the simulator could not fill. */
  unfillable: string[];
  lastError?: string;
}

/** Runs steps against the API and keeps their statistics. */
export class StepRunner {
  readonly stats = new Map<StepName, StepStats>();

  constructor(
    readonly api: Api,
    readonly ids: Identities,
  ) {
    for (const s of Object.keys(STEPS) as StepName[])
      this.stats.set(s, { attempted: 0, ok: 0, failed: {}, missing: [], unfillable: [] });
  }

  /** The operations a step needs that the API does not offer. */
  missingFor(step: StepName): string[] {
    return STEPS[step].ops.filter((o) => !this.api.pick(o.startsWith('Query.') ? 'query' : 'mutation', names(o)));
  }

  /** Runs one step; undefined (with the reason recorded) when it could not. Never throws. */
  async run<T>(step: StepName, fn: () => Promise<T>): Promise<T | undefined> {
    const st = this.stats.get(step)!;
    st.attempted++;
    try {
      const v = await fn();
      st.ok++;
      return v;
    } catch (err) {
      if (err instanceof MissingOperationError) {
        for (const m of err.missing) if (!st.missing.includes(m)) st.missing.push(m);
      } else if (err instanceof UnfillableInputError) {
        for (const f of err.fields) if (!st.unfillable.includes(f)) st.unfillable.push(f);
      } else if (err instanceof GraphQLRequestError) {
        for (const c of new Set(err.codes)) st.failed[c] = (st.failed[c] ?? 0) + 1;
        st.lastError = err.message.slice(0, 400);
      } else {
        const name = (err as Error).name || 'Error';
        st.failed[name] = (st.failed[name] ?? 0) + 1;
        st.lastError = (err as Error).message.slice(0, 400);
      }
      return undefined;
    }
  }
}

const ATTACHMENTS = ['Degree certificate', 'Employment contract', 'Curriculum vitae'];
const CASE_SELECTION: Selection = ['id', 'reference', 'status'];
const TICKET_SELECTION: Selection = ['id', 'ticketNumber', 'status', 'window', 'caseId'];
const RESIDENCE_MATERIALS = ['PASSPORT', 'APPLICATION_FORM', 'ACCOMMODATION_REGISTRATION', 'EMPLOYER_OPINION_LETTER'];

/** Retries `fn` (up to `tries` times, `delayMs` apart, real time) while its error passes `retryable`. */
export async function retryWhile<T>(
  fn: () => Promise<T>,
  retryable: (err: unknown) => boolean,
  tries = 4,
  delayMs = 250,
): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= tries || !retryable(err)) throw err;
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

/** YYYY-MM-DD in Asia/Shanghai. */
export function isoDate(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}

/** The values a case's operations are built from, under the names the subgraphs use. */
export function caseValues(c: SimCase, now: Date, seed: number, keyPrefix = `sim-${seed}`): Record<string, unknown> {
  const p = c.plan;
  const today = isoDate(now);
  return {
    caseId: c.id,
    id: c.id,
    employerId: p.employerId,
    category: p.category,
    route: p.route,
    idempotencyKey: `${keyPrefix}-${today}-${p.n}`,
    applicant: { ...p.applicant, householdRegistration: 'NEVER_REGISTERED' },
    notificationLetterNumber:
      p.route === 'NOTIFICATION_LETTER'
        ? `NL-${today.slice(0, 4)}-${String(seed % 1000).padStart(3, '0')}${String(p.n).padStart(5, '0')}`
        : undefined,
    inMainlandBasis:
      p.route === 'IN_MAINLAND' ? (p.category === 'A' ? 'CATEGORY_A_ANY_VALID_VISA' : 'TRANSFER') : undefined,
    renewal:
      p.route === 'RENEWAL'
        ? {
            currentWorkPermitNumber: `WP${String(100000000 + p.n)}`,
            currentResidencePermitNumber: `RP${String(100000000 + p.n)}`,
            currentPermitsExpireOn: isoDate(addDays(now, 60)),
          }
        : undefined,
    points: p.category === 'A' ? 90 : p.category === 'B' ? 72 : 50,
    attachments: ATTACHMENTS.slice(0, 2 + (p.n % 2)),
    contractEndsOn: isoDate(addDays(now, 730)),
    passportExpiresOn: isoDate(addDays(now, 1825)),
  };
}

/** The operations of the day, one function per step. Each returns whether it succeeded. */
export class CitySteps {
  constructor(
    readonly runner: StepRunner,
    readonly seed: number,
    /** Prefix of idempotency keys: the same seed on the same day files the same cases once. */
    readonly keyPrefix = `sim-${seed}`,
  ) {}

  private get api(): Api {
    return this.runner.api;
  }

  private get ids(): Identities {
    return this.runner.ids;
  }

  private op(step: StepName, i = 0): string[] {
    return names(STEPS[step].ops[i]!);
  }

  async fileCase(c: SimCase, now: Date): Promise<boolean> {
    const r = await this.runner.run('fileCase', async () =>
      this.api.call<{ id: string; reference?: string; status?: string }>(
        'mutation',
        this.op('fileCase'),
        caseValues(c, now, this.seed, this.keyPrefix),
        CASE_SELECTION,
        await this.ids.agency(c.plan.agency),
      ),
    );
    if (!r) return false;
    c.id = r.id;
    c.reference = r.reference;
    c.status = r.status ?? 'SUBMITTED';
    return true;
  }

  async withdraw(c: SimCase): Promise<boolean> {
    const r = await this.runner.run('withdrawCase', async () =>
      this.api.call<{ status?: string }>(
        'mutation',
        this.op('withdrawCase'),
        { caseId: c.id, reason: 'The applicant accepted another offer.' },
        CASE_SELECTION,
        await this.ids.agency(c.plan.agency),
      ),
    );
    if (r) c.status = r.status ?? 'WITHDRAWN';
    return r !== undefined;
  }

  /** The one-time notification: every item to correct, at once. */
  async returnForCorrection(c: SimCase): Promise<boolean> {
    const items = [
      { field: 'attachments', problem: 'The degree certificate scan is illegible: scan it again at 300 dpi.' },
      { field: 'applicant.passportNumber', problem: 'The passport copy does not show the data page.' },
    ];
    const r = await this.runner.run('returnCase', async () =>
      this.api.call<{ status?: string }>(
        'mutation',
        this.op('returnCase'),
        { caseId: c.id, items },
        CASE_SELECTION,
        await this.ids.wpOfficer(),
      ),
    );
    if (r) c.status = r.status ?? 'RETURNED';
    return r !== undefined;
  }

  async resubmit(c: SimCase, now: Date): Promise<boolean> {
    const corrections = {
      attachments: ATTACHMENTS.slice(0, 2 + (c.plan.n % 2)).map((a) => `${a} (rescanned ${isoDate(now)})`),
    };
    const r = await this.runner.run('resubmitCase', async () =>
      this.api.call<{ status?: string }>(
        'mutation',
        this.op('resubmitCase'),
        { caseId: c.id, note: 'Corrected scans attached.', corrections },
        CASE_SELECTION,
        await this.ids.agency(c.plan.agency),
      ),
    );
    if (r) c.status = r.status ?? 'SUBMITTED';
    return r !== undefined;
  }

  async passPreExamination(c: SimCase): Promise<boolean> {
    const r = await this.runner.run('passPreExamination', async () =>
      this.api.call<{ status?: string }>(
        'mutation',
        this.op('passPreExamination'),
        { caseId: c.id, note: 'Complete.' },
        CASE_SELECTION,
        await this.ids.wpOfficer(),
      ),
    );
    if (r) c.status = r.status ?? 'PRE_EXAM_PASSED';
    return r !== undefined;
  }

  /** Finds free slots at the case's counter from now on and books the planned choice among the first few. */
  async book(c: SimCase, now: Date, minLeadMin = 15): Promise<boolean> {
    const token = await this.ids.agency(c.plan.agency);
    const slots = await this.runner.run('availableSlots', async () =>
      this.api.call<{ start: string; available?: number }[]>(
        'query',
        this.op('availableSlots'),
        { counterId: c.counterId, from: isoDate(now), to: isoDate(addDays(now, 4)) },
        ['start', 'end', 'available'],
        token,
      ),
    );
    if (!slots) return false;
    const free = slots.filter(
      (s) =>
        (s.available === undefined || s.available > 0) &&
        new Date(s.start).getTime() > now.getTime() + minLeadMin * 60_000,
    );
    if (!free.length) return false;
    const slotStart = free[Math.min(c.plan.slotChoice, free.length - 1)]!.start;
    const r = await this.runner.run('bookAppointment', async () =>
      this.api.call<{ id?: string; slotStart?: string }>(
        'mutation',
        this.op('bookAppointment'),
        {
          caseId: c.id,
          counterId: c.counterId,
          slotStart,
          idempotencyKey: `${this.keyPrefix}-book-${c.plan.n}-${slotStart}`,
        },
        ['id', 'letterNumber', 'slotStart'],
        token,
      ),
    );
    if (!r) return false;
    c.appointmentStart = new Date(r.slotStart ?? slotStart);
    c.status = 'APPOINTMENT_BOOKED';
    return true;
  }

  async checkIn(c: SimCase, now: Date): Promise<boolean> {
    const r = await this.runner.run('checkIn', async () =>
      this.api.call<{ id: string }>(
        'mutation',
        this.op('checkIn'),
        { caseId: c.id },
        TICKET_SELECTION,
        await this.ids.clerk(c.counterId),
      ),
    );
    if (!r) return false;
    c.ticketId = r.id;
    c.checkedInAt = now;
    c.status = 'CHECKED_IN';
    return true;
  }

  /** Calls the next ticket to a window; the system decides who is next (appointments in time first). */
  /**
   * Calls the next ticket to a window; the system decides who is next (appointments in time
   * first). `'blocked'` when the window is held by a service the API says is still open.
   */
  async callNext(
    counterId: string,
    window: number,
  ): Promise<{ ticketId: string; caseId: string | null } | 'blocked' | null> {
    let blocked = false;
    const r = await this.runner.run('callNext', async () => {
      try {
        return await this.api.call<{ id: string; caseId?: string } | null>(
          'mutation',
          this.op('callNext'),
          { window },
          TICKET_SELECTION,
          await this.ids.clerk(counterId),
        );
      } catch (err) {
        blocked = err instanceof GraphQLRequestError && err.codes.includes('CONFLICT');
        throw err;
      }
    });
    if (blocked) return 'blocked';
    if (!r) return null;
    return { ticketId: r.id, caseId: r.caseId ?? null };
  }

  async startService(c: SimCase): Promise<boolean> {
    const r = await this.runner.run('startService', async () =>
      this.api.call(
        'mutation',
        this.op('startService'),
        { ticketId: c.ticketId },
        TICKET_SELECTION,
        await this.ids.clerk(c.counterId),
      ),
    );
    return r !== undefined;
  }

  /** At the window: both checklists, the interview scheduled where one is required, then acceptance. */
  async serveAtWindow(c: SimCase, now: Date): Promise<boolean> {
    const clerk = await this.ids.clerk(c.counterId);
    const wpOk = await this.workPermitMaterials(c, clerk);
    const rpOk = await this.runner.run('residencePermitMaterials', async () =>
      this.api.call(
        'mutation',
        this.op('residencePermitMaterials'),
        {
          caseId: c.id,
          items: RESIDENCE_MATERIALS.map((item) => ({
            item,
            state: 'VERIFIED',
            applicationForm:
              item === 'APPLICATION_FORM'
                ? { blackInk: true, whiteBackground: true, noHeadwear: true, '*Boolean': true }
                : undefined,
          })),
        },
        ['id', 'status'],
        clerk,
      ),
    );
    await this.scheduleInterviewIfRequired(c, now);
    if (!wpOk || rpOk === undefined) return false;
    // counter-scheduling learns of the checklists and the interview by events (milliseconds
    // behind): a clerk whose first try is refused for that tries again a moment later.
    const r = await this.runner.run('acceptDocuments', async () =>
      retryWhile(
        () =>
          this.api.call<{ receiptNumber?: string }>(
            'mutation',
            this.op('acceptDocuments'),
            { caseId: c.id },
            ['receiptNumber', 'issuanceDueAt'],
            clerk,
          ),
        (err) => err instanceof GraphQLRequestError && err.codes.includes('INVALID_TRANSITION'),
      ),
    );
    if (r) c.status = 'ACCEPTED';
    return r !== undefined;
  }

  /** Records every item of the work-permit checklist that is not yet present (the case says which). */
  private async workPermitMaterials(c: SimCase, token: string): Promise<boolean> {
    const state = await this.runner.run('workPermitChecklist', async () =>
      this.api.call<{ workPermitMaterials?: { items?: { item: string; present: boolean }[] } } | null>(
        'query',
        this.op('workPermitChecklist'),
        { id: c.id },
        [{ workPermitMaterials: [{ items: ['item', 'present'] }, 'complete'] }],
        token,
      ),
    );
    if (!state?.workPermitMaterials?.items) return false;
    let ok = true;
    for (const it of state.workPermitMaterials.items.filter((i) => !i.present)) {
      const r = await this.runner.run('workPermitMaterials', async () =>
        this.api.call(
          'mutation',
          this.op('workPermitMaterials'),
          { caseId: c.id, item: it.item, present: true },
          ['id'],
          token,
        ),
      );
      ok &&= r !== undefined;
    }
    return ok;
  }

  private async scheduleInterviewIfRequired(c: SimCase, now: Date): Promise<void> {
    const officer = await this.ids.eeOfficer();
    const rp = await this.runner.run('interviewRequirement', async () =>
      this.api.call<{ interview?: { required?: boolean; satisfied?: boolean; scheduled?: boolean } } | null>(
        'query',
        this.op('interviewRequirement'),
        { caseId: c.id },
        ['id', { interview: ['required', 'satisfied', 'scheduled'] }],
        officer,
      ),
    );
    const need = rp?.interview;
    if (!need?.required || need.satisfied || need.scheduled) return;
    const interviewAt = new Date(now.getTime() + 20 * 60_000);
    const r = await this.runner.run('scheduleInterview', async () =>
      this.api.call<{ verifications?: { id: string; status?: string }[] }>(
        'mutation',
        this.op('scheduleInterview'),
        {
          caseId: c.id,
          input: {
            kind: 'FACE_TO_FACE_INTERVIEW',
            scheduledAt: interviewAt.toISOString(),
            location: `Counter ${c.counterId}`,
            // One key per interview: a retried request returns it instead of scheduling another.
            idempotencyKey: `${this.keyPrefix}-interview-${c.id}-${interviewAt.toISOString()}`,
          },
        },
        ['id', { verifications: ['id', 'status'] }],
        officer,
      ),
    );
    c.verificationIds = r?.verifications?.map((v) => v.id) ?? [];
    if (r) c.interviewAt = interviewAt;
  }

  async completeService(c: SimCase): Promise<boolean> {
    const r = await this.runner.run('completeService', async () =>
      this.api.call(
        'mutation',
        this.op('completeService'),
        { ticketId: c.ticketId },
        TICKET_SELECTION,
        await this.ids.clerk(c.counterId),
      ),
    );
    return r !== undefined;
  }

  /** Both decisions (recording the interview's outcome first where one was scheduled). */
  async decide(c: SimCase, now: Date): Promise<boolean> {
    const n = `${String(this.seed % 10000).padStart(4, '0')}${isoDate(now).replace(/-/g, '')}${String(c.plan.n).padStart(5, '0')}`;
    const wpOfficer = await this.ids.wpOfficer();
    const wp = c.plan.workPermitRefused
      ? await this.runner.run('refuseWorkPermit', async () =>
          this.api.call(
            'mutation',
            this.op('refuseWorkPermit'),
            { caseId: c.id, reasons: ['The employment contract does not meet the salary threshold.'] },
            CASE_SELECTION,
            wpOfficer,
          ),
        )
      : await this.runner.run('issueWorkPermit', async () =>
          this.api.call(
            'mutation',
            this.op('issueWorkPermit'),
            { caseId: c.id, permitNumber: `WP-${n}` },
            CASE_SELECTION,
            wpOfficer,
          ),
        );
    const eeOfficer = await this.ids.eeOfficer();
    for (const verificationId of c.verificationIds ?? []) {
      await this.runner.run('recordVerification', async () =>
        this.api.call(
          'mutation',
          this.op('recordVerification'),
          { verificationId, input: { outcome: 'CONFIRMED', notes: 'Interview held; statements consistent.' } },
          ['id'],
          eeOfficer,
        ),
      );
    }
    const rp = c.plan.residencePermitRefused
      ? await this.runner.run('refuseResidencePermit', async () =>
          this.api.call(
            'mutation',
            this.op('refuseResidencePermit'),
            { caseId: c.id, reasons: ['The accommodation registration could not be verified on site.'] },
            ['id', 'status'],
            eeOfficer,
          ),
        )
      : await this.runner.run('issueResidencePermit', async () =>
          this.api.call(
            'mutation',
            this.op('issueResidencePermit'),
            {
              caseId: c.id,
              input: { permitNumber: `RP-${n}`, validFrom: isoDate(now), validUntil: isoDate(addDays(now, 365)) },
            },
            ['id', 'status'],
            eeOfficer,
          ),
        );
    return wp !== undefined && rp !== undefined;
  }

  async claim(c: SimCase): Promise<boolean> {
    const r = await this.runner.run('recordClaim', async () =>
      this.api.call(
        'mutation',
        this.op('recordClaim'),
        { caseId: c.id },
        ['caseId', 'claimedAt'],
        await this.ids.clerk(c.counterId),
      ),
    );
    if (r) c.status = 'CLAIMED';
    return r !== undefined;
  }

  /** The case's status as the API reports it now. */
  async refreshStatus(c: SimCase): Promise<string | undefined> {
    const r = await this.runner.run('caseStatus', async () =>
      this.api.call<{ status: string } | null>(
        'query',
        this.op('caseStatus'),
        { id: c.id },
        ['id', 'status'],
        await this.ids.manager(),
      ),
    );
    if (r?.status) c.status = r.status;
    return r?.status;
  }
}
