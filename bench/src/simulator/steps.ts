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
  /** true once something failed for this case: the simulator stops driving it. */
  stuck?: boolean;
}

/** Every step the simulated day takes, with the operations it uses (candidates, first existing wins). */
export const STEPS = {
  fileCase: { who: 'AGENCY', ops: ['Mutation.fileCase'] },
  withdrawCase: { who: 'AGENCY', ops: ['Mutation.withdrawCase'] },
  returnCase: { who: 'WP_OFFICER', ops: ['Mutation.returnCase|returnForCorrection|returnPreExamination'] },
  resubmitCase: { who: 'AGENCY', ops: ['Mutation.resubmitCase|resubmit'] },
  passPreExamination: { who: 'WP_OFFICER', ops: ['Mutation.passPreExamination|passPreExam|approvePreExamination'] },
  availableSlots: { who: 'AGENCY', ops: ['Query.availableSlots'] },
  bookAppointment: { who: 'AGENCY', ops: ['Mutation.bookAppointment'] },
  checkIn: { who: 'CLERK', ops: ['Mutation.checkIn'] },
  callNext: { who: 'CLERK', ops: ['Mutation.callNext'] },
  startService: { who: 'CLERK', ops: ['Mutation.startService'] },
  workPermitMaterials: {
    who: 'CLERK',
    ops: ['Mutation.recordWorkPermitMaterial|recordWorkPermitMaterials|verifyWorkPermitMaterial|recordMaterial'],
  },
  residencePermitMaterials: {
    who: 'CLERK',
    ops: [
      'Mutation.recordResidencePermitMaterial|recordResidencePermitMaterials|verifyResidencePermitMaterial|recordResidenceMaterial',
    ],
  },
  scheduleInterview: { who: 'EE_OFFICER', ops: ['Mutation.scheduleVerification|scheduleInterview'] },
  acceptDocuments: { who: 'CLERK', ops: ['Mutation.acceptDocuments'] },
  completeService: { who: 'CLERK', ops: ['Mutation.completeService'] },
  recordVerification: { who: 'EE_OFFICER', ops: ['Mutation.recordVerification|recordInterview|completeVerification'] },
  decideWorkPermit: {
    who: 'WP_OFFICER',
    ops: ['Mutation.issueWorkPermit|decideWorkPermit', 'Mutation.refuseWorkPermit|decideWorkPermit'],
  },
  decideResidencePermit: {
    who: 'EE_OFFICER',
    ops: [
      'Mutation.issueResidencePermit|decideResidencePermit',
      'Mutation.refuseResidencePermit|decideResidencePermit',
    ],
  },
  recordClaim: { who: 'CLERK', ops: ['Mutation.recordClaim'] },
  caseStatus: { who: 'MANAGER', ops: ['Query.case'] },
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
    return STEPS[step].ops.filter((o) => {
      const root = o.startsWith('Query.') ? 'query' : 'mutation';
      return !this.api.pick(root, names(o));
    });
  }

  /** Runs one step; false (with the reason recorded) when it could not. Never throws. */
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
        st.lastError = err.message.slice(0, 300);
      } else {
        const name = (err as Error).name || 'Error';
        st.failed[name] = (st.failed[name] ?? 0) + 1;
        st.lastError = (err as Error).message.slice(0, 300);
      }
      return undefined;
    }
  }
}

const CASE_SELECTION: Selection = ['id', 'reference', 'status'];
const TICKET_SELECTION: Selection = [
  'id',
  'number',
  'ticketNumber',
  'status',
  'window',
  'caseId',
  { case: ['id', 'reference'] },
];

function isoDate(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}

/** The values a case's operations are built from, under the names the subgraphs are likely to use. */
export function caseValues(c: SimCase, now: Date, seed: number): Record<string, unknown> {
  const p = c.plan;
  const a = p.applicant;
  const today = isoDate(now);
  const applicant = {
    ...a,
    name: a.fullName,
    householdRegistration: 'NEVER_REGISTERED',
    householdRegistrationStatus: 'NEVER_REGISTERED',
  };
  return {
    id: c.id,
    caseId: c.id,
    employerId: p.employerId,
    agencyId: p.agency.id,
    category: p.category,
    route: p.route,
    idempotencyKey: `sim-${seed}-${today}-${p.n}`,
    applicant,
    ...applicant,
    applicantFullName: a.fullName,
    notificationLetterNumber:
      p.route === 'NOTIFICATION_LETTER' ? `NL${today.replace(/-/g, '')}${String(p.n).padStart(5, '0')}` : undefined,
    inMainlandBasis:
      p.route === 'IN_MAINLAND' ? (p.category === 'A' ? 'CATEGORY_A_ANY_VALID_VISA' : 'TRANSFER') : undefined,
    currentWorkPermitNumber: p.route === 'RENEWAL' ? `WP${String(100000000 + p.n)}` : undefined,
    currentResidencePermitNumber: p.route === 'RENEWAL' ? `RP${String(100000000 + p.n)}` : undefined,
    currentPermitsExpireOn: p.route === 'RENEWAL' ? isoDate(addDays(now, 60)) : undefined,
    contractEndsOn: isoDate(addDays(now, 730)),
    passportExpiresOn: isoDate(addDays(now, 1825)),
    points: p.category === 'A' ? 90 : p.category === 'B' ? 72 : 50,
    presenterKind: 'REGISTERED_HANDLER',
    counterId: c.counterId,
  };
}

/** Finds the enum values an argument (or a field of an input argument) of an operation accepts. */
export function enumValuesFor(api: Api, root: 'query' | 'mutation', op: string, field: string): string[] {
  const info = (root === 'query' ? api.caps.query : api.caps.mutation).get(op);
  if (!info) return [];
  const seen = new Set<string>();
  const search = (type: string, name: string): string[] => {
    if (name === field && api.caps.enums.has(type)) return api.caps.enums.get(type)!;
    if (!api.caps.inputTypes.has(type) || seen.has(type)) return [];
    seen.add(type);
    for (const f of api.caps.fields(type).values()) {
      const found = search(f.type, f.name);
      if (found.length) return found;
    }
    return [];
  };
  for (const a of info.args) {
    const found = search(a.type, a.name);
    if (found.length) return found;
  }
  return [];
}

/** The operations of the day, one function per step. Each returns what the next step needs. */
export class CitySteps {
  constructor(
    readonly runner: StepRunner,
    readonly seed: number,
  ) {}

  private get api(): Api {
    return this.runner.api;
  }

  private get ids(): Identities {
    return this.runner.ids;
  }

  private opNames(step: StepName, i = 0): string[] {
    return names(STEPS[step].ops[i]!);
  }

  private status(c: SimCase, r: { status?: unknown } | null | undefined): void {
    if (r && typeof r.status === 'string') c.status = r.status;
  }

  async fileCase(c: SimCase, now: Date): Promise<boolean> {
    const r = await this.runner.run('fileCase', async () => {
      const attachmentKinds = enumValuesFor(this.api, 'mutation', 'fileCase', 'kind');
      const values = caseValues(c, now, this.seed);
      values.attachments = (attachmentKinds.length ? attachmentKinds : ['PASSPORT', 'DEGREE', 'CONTRACT', 'CV']).map(
        (kind, i) => ({
          kind,
          type: kind,
          name: `${String(kind).toLowerCase()}.pdf`,
          fileName: `${String(kind).toLowerCase()}.pdf`,
          title: String(kind),
          url: `https://files.example.invalid/${c.plan.n}/${i}.pdf`,
        }),
      );
      return this.api.call<{ id: string; reference?: string; status?: string }>(
        'mutation',
        this.opNames('fileCase'),
        values,
        CASE_SELECTION,
        await this.ids.agency(c.plan.agency),
      );
    });
    if (!r) return false;
    c.id = r.id;
    c.reference = r.reference;
    this.status(c, r);
    if (!r.status) c.status = 'SUBMITTED';
    return true;
  }

  async withdraw(c: SimCase): Promise<boolean> {
    const r = await this.runner.run('withdrawCase', async () =>
      this.api.call(
        'mutation',
        this.opNames('withdrawCase'),
        { caseId: c.id, id: c.id, reason: 'The applicant accepted another offer.' },
        CASE_SELECTION,
        await this.ids.agency(c.plan.agency),
      ),
    );
    if (r) c.status = 'WITHDRAWN';
    return r !== undefined;
  }

  async returnForCorrection(c: SimCase): Promise<boolean> {
    const items = [
      { field: 'attachments', problem: 'The degree certificate scan is illegible.' },
      { field: 'applicant.passportNumber', problem: 'The passport copy does not show the data page.' },
    ];
    const r = await this.runner.run('returnCase', async () =>
      this.api.call<{ status?: string }>(
        'mutation',
        this.opNames('returnCase'),
        { caseId: c.id, id: c.id, items, corrections: items, problems: items },
        CASE_SELECTION,
        await this.ids.wpOfficer(),
      ),
    );
    if (r) c.status = r.status ?? 'RETURNED';
    return r !== undefined;
  }

  async resubmit(c: SimCase, now: Date): Promise<boolean> {
    const r = await this.runner.run('resubmitCase', async () =>
      this.api.call<{ status?: string }>(
        'mutation',
        this.opNames('resubmitCase'),
        { ...caseValues(c, now, this.seed), note: 'Corrected scans attached.' },
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
        this.opNames('passPreExamination'),
        { caseId: c.id, id: c.id },
        CASE_SELECTION,
        await this.ids.wpOfficer(),
      ),
    );
    if (r) c.status = r.status ?? 'PRE_EXAM_PASSED';
    return r !== undefined;
  }

  /** Finds free slots at the case's counter from now on and books the planned choice among the first few. */
  async book(c: SimCase, now: Date): Promise<boolean> {
    const token = await this.ids.agency(c.plan.agency);
    const slots = await this.runner.run('availableSlots', async () =>
      this.api.call<
        {
          start?: string;
          slotStart?: string;
          startsAt?: string;
          remaining?: number;
          available?: number;
          capacityLeft?: number;
        }[]
      >(
        'query',
        this.opNames('availableSlots'),
        { counterId: c.counterId, from: now.toISOString(), to: addDays(now, 3).toISOString(), caseId: c.id },
        ['start', 'slotStart', 'startsAt', 'end', 'remaining', 'available', 'capacityLeft', 'free'],
        token,
      ),
    );
    if (!slots) return false;
    const free = slots.filter((s) => {
      const left =
        (s as Record<string, unknown>).remaining ??
        (s as Record<string, unknown>).available ??
        (s as Record<string, unknown>).capacityLeft ??
        (s as Record<string, unknown>).free;
      const start = new Date(String(s.start ?? s.slotStart ?? s.startsAt));
      return (left === undefined || Number(left) > 0) && start.getTime() > now.getTime() + 15 * 60_000;
    });
    if (!free.length) return false;
    const slot = free[Math.min(c.plan.slotChoice, free.length - 1)]!;
    const start = String(slot.start ?? slot.slotStart ?? slot.startsAt);
    const r = await this.runner.run('bookAppointment', async () =>
      this.api.call<{ id?: string; slotStart?: string; start?: string; case?: { status?: string } }>(
        'mutation',
        this.opNames('bookAppointment'),
        {
          caseId: c.id,
          counterId: c.counterId,
          slotStart: start,
          start,
          idempotencyKey: `sim-${this.seed}-book-${c.plan.n}-${start}`,
        },
        ['id', 'letterNumber', 'slotStart', 'start', { case: ['id', 'status'] }],
        token,
      ),
    );
    if (!r) return false;
    c.appointmentStart = new Date(start);
    c.status = 'APPOINTMENT_BOOKED';
    return true;
  }

  async checkIn(c: SimCase, now: Date): Promise<boolean> {
    const r = await this.runner.run('checkIn', async () =>
      this.api.call<{ id: string }>(
        'mutation',
        this.opNames('checkIn'),
        { caseId: c.id, counterId: c.counterId },
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

  /** Calls the next ticket to a window; returns the called case id (the system decides who is next). */
  async callNext(counterId: string, window: number): Promise<{ ticketId: string; caseId: string | null } | null> {
    const r = await this.runner.run('callNext', async () =>
      this.api.call<{ id: string; caseId?: string; case?: { id: string } } | null>(
        'mutation',
        this.opNames('callNext'),
        { counterId, window },
        TICKET_SELECTION,
        await this.ids.clerk(counterId),
      ),
    );
    if (!r) return null;
    return { ticketId: r.id, caseId: r.caseId ?? r.case?.id ?? null };
  }

  async startService(c: SimCase): Promise<boolean> {
    const r = await this.runner.run('startService', async () =>
      this.api.call(
        'mutation',
        this.opNames('startService'),
        { ticketId: c.ticketId, id: c.ticketId, counterId: c.counterId, window: c.window },
        TICKET_SELECTION,
        await this.ids.clerk(c.counterId),
      ),
    );
    return r !== undefined;
  }

  /** At the window: both checklists, the interview where needed, acceptance. */
  async serveAtWindow(c: SimCase, now: Date): Promise<boolean> {
    const clerk = await this.ids.clerk(c.counterId);
    const wpOk = await this.recordChecklist('workPermitMaterials', c, clerk);
    const rpOk = await this.recordChecklist('residencePermitMaterials', c, clerk);
    if (this.api.pick('mutation', this.opNames('scheduleInterview'))) {
      await this.runner.run('scheduleInterview', async () =>
        this.api.call(
          'mutation',
          this.opNames('scheduleInterview'),
          {
            caseId: c.id,
            id: c.id,
            kind: 'FACE_TO_FACE_INTERVIEW',
            method: 'FACE_TO_FACE_INTERVIEW',
            scheduledAt: addDays(now, 2).toISOString(),
            at: addDays(now, 2).toISOString(),
          },
          ['id'],
          await this.ids.eeOfficer(),
        ),
      );
    }
    if (!wpOk || !rpOk) return false;
    const r = await this.runner.run('acceptDocuments', async () =>
      this.api.call<{ receiptNumber?: string }>(
        'mutation',
        this.opNames('acceptDocuments'),
        { caseId: c.id, counterId: c.counterId },
        ['receiptNumber', 'id', { case: ['id', 'status'] }],
        clerk,
      ),
    );
    if (r) c.status = 'ACCEPTED';
    return r !== undefined;
  }

  /** Records every item of a checklist as present (one call per item, or one call with all items). */
  private async recordChecklist(
    step: 'workPermitMaterials' | 'residencePermitMaterials',
    c: SimCase,
    token: string,
  ): Promise<boolean> {
    const op = this.api.pick('mutation', this.opNames(step));
    if (!op) {
      await this.runner.run(step, async () => this.api.need('mutation', this.opNames(step)));
      return false;
    }
    const itemsList = enumValuesFor(this.api, 'mutation', op, 'items');
    if (itemsList.length) {
      const r = await this.runner.run(step, async () =>
        this.api.call(
          'mutation',
          op,
          { caseId: c.id, items: itemsList, present: true, verified: true },
          ['id', 'complete', 'missing'],
          token,
        ),
      );
      return r !== undefined;
    }
    const items = enumValuesFor(this.api, 'mutation', op, 'item');
    let ok = true;
    for (const item of items.length ? items : ['*']) {
      const r = await this.runner.run(step, async () =>
        this.api.call(
          'mutation',
          op,
          { caseId: c.id, item: item === '*' ? undefined : item, present: true, verified: true },
          ['id', 'complete', 'missing'],
          token,
        ),
      );
      ok &&= r !== undefined;
    }
    return ok;
  }

  async completeService(c: SimCase): Promise<boolean> {
    const r = await this.runner.run('completeService', async () =>
      this.api.call(
        'mutation',
        this.opNames('completeService'),
        { ticketId: c.ticketId, id: c.ticketId, counterId: c.counterId },
        TICKET_SELECTION,
        await this.ids.clerk(c.counterId),
      ),
    );
    return r !== undefined;
  }

  /** Both decisions (and the recorded interview the residence permit may need). */
  async decide(c: SimCase, now: Date): Promise<boolean> {
    const wpIssue = !c.plan.workPermitRefused;
    const wpOp = this.opNames('decideWorkPermit', wpIssue ? 0 : 1);
    const wp = await this.runner.run('decideWorkPermit', async () =>
      this.api.call(
        'mutation',
        wpOp,
        {
          caseId: c.id,
          id: c.id,
          decision: wpIssue ? 'ISSUED' : 'REFUSED',
          outcome: wpIssue ? 'ISSUED' : 'REFUSED',
          reasons: wpIssue ? undefined : ['The employment contract does not meet the salary threshold.'],
          validFrom: isoDate(now),
        },
        CASE_SELECTION,
        await this.ids.wpOfficer(),
      ),
    );
    if (this.api.pick('mutation', this.opNames('recordVerification'))) {
      await this.runner.run('recordVerification', async () =>
        this.api.call(
          'mutation',
          this.opNames('recordVerification'),
          {
            caseId: c.id,
            id: c.id,
            kind: 'FACE_TO_FACE_INTERVIEW',
            method: 'FACE_TO_FACE_INTERVIEW',
            outcome: 'SATISFACTORY',
            result: 'SATISFACTORY',
            notes: 'Interview held at the counter.',
            at: now.toISOString(),
          },
          ['id'],
          await this.ids.eeOfficer(),
        ),
      );
    }
    const rpIssue = !c.plan.residencePermitRefused;
    const rp = await this.runner.run('decideResidencePermit', async () =>
      this.api.call(
        'mutation',
        this.opNames('decideResidencePermit', rpIssue ? 0 : 1),
        {
          caseId: c.id,
          id: c.id,
          decision: rpIssue ? 'ISSUED' : 'REFUSED',
          outcome: rpIssue ? 'ISSUED' : 'REFUSED',
          reasons: rpIssue ? undefined : ['The accommodation registration could not be verified on site.'],
          validFrom: isoDate(now),
        },
        ['id', 'status'],
        await this.ids.eeOfficer(),
      ),
    );
    return wp !== undefined && rp !== undefined;
  }

  async claim(c: SimCase): Promise<boolean> {
    const r = await this.runner.run('recordClaim', async () =>
      this.api.call(
        'mutation',
        this.opNames('recordClaim'),
        { caseId: c.id, counterId: c.counterId },
        ['id', { case: ['id', 'status'] }],
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
        ['case'],
        { id: c.id },
        ['id', 'status'],
        await this.ids.manager(),
      ),
    );
    if (r?.status) c.status = r.status;
    return r?.status;
  }
}
