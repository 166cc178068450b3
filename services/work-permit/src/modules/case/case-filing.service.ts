import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  assertCan,
  BadUserInputError,
  ConflictError,
  InvalidTransitionError,
  lastCaseEvent,
  lockCaseGate,
  NotFoundError,
  shanghaiDate,
  type Actor,
  type CalendarStore,
  type Clock,
  type EventStore,
  isUuid,
  idempotencyKeyProblems,
} from '@onestop/common';
import {
  EVENT_TYPES,
  formatCaseReference,
  preExamDue,
  type CaseSubmittedPayload,
  type CaseWithdrawnPayload,
  type Category,
} from '@onestop/common/contract';
import { EmployerEntity } from '../employer/employer.entity.js';
import { authorOf, CaseChanges, lockCase } from './case-changes.js';
import {
  filingHash,
  parseFiling,
  type Filing,
  type FilingInput,
  type RenewalData,
  type RenewalWindow,
} from './case-filing.rules.js';
import { assertMove, STATUS_MOVES } from './case-status.rules.js';
import { CaseEntity } from './case.entity.js';

/** What a resubmission may correct: anything of the filing except the employer and the route. */
export interface CorrectionsData {
  category?: Category | null;
  points?: number | null;
  notificationLetterNumber?: string | null;
  inMainlandBasis?: FilingInput['inMainlandBasis'];
  renewal?: RenewalData | null;
  applicant?: { [K in keyof FilingInput['applicant']]?: FilingInput['applicant'][K] | null } | null;
  attachments?: string[] | null;
  contractEndsOn?: string | null;
  passportExpiresOn?: string | null;
}

/** Namespace of the advisory locks that serialise filings with the same idempotency key. */
const FILING_KEY_LOCK = 7_340_104;

/** Filing, resubmission and withdrawal: the agency's commands on a case. */
export class CaseFilingService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly events: EventStore,
    private readonly calendar: CalendarStore,
    private readonly renewalWindow: RenewalWindow,
  ) {}

  /**
   * Files a case. Idempotent per agency and key: the same key with the same input returns the
   * case the first request made, with different input it is a CONFLICT. The reference is the
   * year's next number, taken under the counter row's lock in this transaction, so references
   * have neither gaps nor duplicates whatever runs concurrently.
   */
  async file(actor: Actor | null, input: FilingInput): Promise<CaseEntity> {
    assertCan(actor, 'case.file', { employerId: input.employerId });
    const agencyId = actor.agencyId!;
    const hash = filingHash(input);
    const keyProblems = idempotencyKeyProblems(input.idempotencyKey);
    if (keyProblems.length) throw new BadUserInputError('The case cannot be filed', keyProblems);
    const replay = await this.replay(this.ds.manager, agencyId, input.idempotencyKey, hash);
    if (replay) return replay;

    const now = this.clock.now();
    const today = shanghaiDate(now);
    const { filing, problems } = parseFiling(input, today, this.renewalWindow);
    if (isUuid(input.employerId)) {
      const employer = await this.ds.getRepository(EmployerEntity).findOneBy({ id: input.employerId });
      if (!employer) problems.push(`employerId: no employer ${input.employerId} is registered`);
    } else {
      problems.push(`employerId ${input.employerId} is not an employer id`);
    }
    if (problems.length) throw new BadUserInputError('The case cannot be filed', problems);

    return this.ds.transaction(async (tx) => {
      // Same agency and key: one request at a time; the others then find the case it made.
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        FILING_KEY_LOCK,
        `${agencyId}\n${input.idempotencyKey}`,
      ]);
      const again = await this.replay(tx, agencyId, input.idempotencyKey, hash);
      if (again) return again;
      const reference = await nextReference(tx, Number(today.slice(0, 4)));
      const due = preExamDue(this.calendar.calendar, now, filing.category);
      const c = tx.getRepository(CaseEntity).create({
        id: randomUUID(),
        reference,
        employerId: filing.employerId,
        agencyId,
        filedBy: actor.id,
        idempotencyKey: input.idempotencyKey,
        filingHash: hash,
        ...filingColumns(filing),
        status: 'SUBMITTED',
        submittedAt: now,
        resubmittedAt: null,
        preExamStartedAt: now,
        preExamDueAt: due.due,
        preExamDueProvisional: due.provisional,
        preExamPassedAt: null,
        returnItems: null,
        returnedAt: null,
        returnCount: 0,
        presenterKind: 'REGISTERED_HANDLER',
        presenterHandlerId: null,
        presenterName: null,
        appointmentId: null,
        acceptedAt: null,
        receiptNumber: null,
        wpStatus: 'PENDING',
        wpPermitNumber: null,
        wpValidFrom: null,
        wpValidUntil: null,
        wpRefusalReasons: null,
        wpDecidedAt: null,
        wpDecidedBy: null,
        rpStatus: 'PENDING',
        rpDecidedAt: null,
        readyAt: null,
        claimedAt: null,
        withdrawnAt: null,
        updatedAt: now,
      });
      await tx.getRepository(CaseEntity).insert(c);
      const changes = new CaseChanges(now, authorOf(actor));
      changes.event(c, EVENT_TYPES.caseSubmitted, submittedPayload(c, today));
      changes.filed(c, `Filed on the ${c.route} route, Category ${c.category}`);
      await changes.commit(tx, this.events);
      return c;
    });
  }

  /**
   * Resubmits a RETURNED case with corrections: the whole filing is validated again with the
   * corrections applied, and the pre-examination clock restarts from now.
   */
  async resubmit(
    actor: Actor | null,
    caseId: string,
    corrections: CorrectionsData,
    note: string | null,
  ): Promise<CaseEntity> {
    assertCan(actor, 'case.resubmit');
    return this.ds.transaction(async (tx) => {
      const c = await lockCase(tx, caseId, actor);
      if (!c) throw new NotFoundError('Case', caseId);
      assertCan(actor, 'case.resubmit', { employerId: c.employerId });
      assertMove(c.status, 'resubmit', 'resubmitting', c.reference);
      const now = this.clock.now();
      const today = shanghaiDate(now);
      const merged = applyCorrections(c, corrections);
      const { filing, problems } = parseFiling(merged, today, this.renewalWindow, false);
      if (problems.length) throw new BadUserInputError('The case cannot be resubmitted', problems);
      const due = preExamDue(this.calendar.calendar, now, filing.category);
      const changes = new CaseChanges(now, authorOf(actor));
      changes.set(c, {
        ...filingColumns(filing),
        resubmittedAt: now,
        preExamStartedAt: now,
        preExamDueAt: due.due,
        preExamDueProvisional: due.provisional,
      });
      // filedOn stays the filing date (age rules use it); submittedAt is when this clock started.
      const payload: CaseSubmittedPayload = {
        ...submittedPayload(c, shanghaiDate(c.submittedAt)),
        submittedAt: now.toISOString(),
        resubmission: true,
      };
      changes.event(c, EVENT_TYPES.caseResubmitted, payload);
      changes.move(
        c,
        'SUBMITTED',
        'RESUBMITTED',
        note ?? `Corrected: ${correctedFields(corrections).join(', ') || 'nothing changed'}`,
      );
      await changes.commit(tx, this.events);
      return c;
    });
  }

  /**
   * Withdraws a case before acceptance (the agency's choice). Acceptance is counter-scheduling's
   * command, which work-permit learns of only when its consumer reads `case.documents-accepted`;
   * so both commands take the case's gate first and look for the other's event in the log
   * (docs/decisions/0006): a withdrawal after an acceptance committed is refused, however
   * recent, and one of the two always loses.
   */
  async withdraw(actor: Actor | null, caseId: string, reason: string | null): Promise<CaseEntity> {
    assertCan(actor, 'case.withdraw');
    const why = reason?.trim() || null;
    if (why && why.length > 1000)
      throw new BadUserInputError('The case cannot be withdrawn', ['reason is longer than 1000 characters']);
    return this.ds.transaction(async (tx) => {
      // Lock order: the gate, then the case row, then the event log (append, last).
      await lockCaseGate(tx, caseId);
      const c = await lockCase(tx, caseId, actor);
      if (!c) throw new NotFoundError('Case', caseId);
      assertCan(actor, 'case.withdraw', { employerId: c.employerId });
      await refuseIfAccepted(tx, c);
      const from = c.status;
      assertMove(c.status, 'withdraw', 'withdrawing (only before acceptance)', c.reference);
      const now = this.clock.now();
      const changes = new CaseChanges(now, authorOf(actor));
      changes.set(c, { withdrawnAt: now });
      const payload: CaseWithdrawnPayload = {
        caseId: c.id,
        reference: c.reference,
        from,
        reason: why,
        withdrawnAt: now.toISOString(),
      };
      changes.event(c, EVENT_TYPES.caseWithdrawn, payload);
      changes.move(c, 'WITHDRAWN', 'WITHDRAWN', why);
      await changes.commit(tx, this.events);
      return c;
    });
  }

  /** An earlier filing with this agency and key: returned if the input is the same, a CONFLICT if not. */
  private async replay(m: EntityManager, agencyId: string, key: string, hash: string): Promise<CaseEntity | null> {
    const existing = await m.getRepository(CaseEntity).findOneBy({ agencyId, idempotencyKey: key });
    if (!existing) return null;
    if (existing.filingHash !== hash) {
      throw new ConflictError(
        `The idempotency key was already used for case ${existing.reference} with different input: use a new key for a new filing.`,
        { reference: existing.reference },
      );
    }
    return existing;
  }
}

/**
 * INVALID_TRANSITION when counter-scheduling has accepted the case's documents: read from the
 * log, not from `c.status`, which trails acceptance by work-permit's consumer lag.
 */
async function refuseIfAccepted(tx: EntityManager, c: CaseEntity): Promise<void> {
  const accepted = await lastCaseEvent(tx, c.id, [EVENT_TYPES.documentsAccepted]);
  if (!accepted) return;
  const receipt = accepted.payload.receiptNumber;
  const acceptedAt = accepted.payload.acceptedAt.toISOString();
  throw new InvalidTransitionError(
    `Case ${c.reference} cannot be withdrawn: its documents were accepted at the counter${receipt ? ` (receipt of acceptance ${receipt})` : ''}, and a case may be withdrawn only before acceptance.`,
    { status: c.status, allowedFrom: [...STATUS_MOVES.withdraw.from], receiptNumber: receipt, acceptedAt },
  );
}

/** The next reference of `year`: the counter row is created or incremented, and stays locked until commit. */
async function nextReference(tx: EntityManager, year: number): Promise<string> {
  const rows: { last_value: number }[] = await tx.query(
    `INSERT INTO wp.case_reference_counter (year, last_value) VALUES ($1, 1)
     ON CONFLICT (year) DO UPDATE SET last_value = wp.case_reference_counter.last_value + 1
     RETURNING last_value`,
    [year],
  );
  return formatCaseReference(year, rows[0]!.last_value);
}

function filingColumns(f: Filing): Partial<CaseEntity> {
  return {
    route: f.route,
    notificationLetterNumber: f.notificationLetterNumber,
    inMainlandBasis: f.inMainlandBasis,
    currentWorkPermitNumber: f.renewal?.currentWorkPermitNumber ?? null,
    currentResidencePermitNumber: f.renewal?.currentResidencePermitNumber ?? null,
    currentPermitsExpireOn: f.renewal?.currentPermitsExpireOn ?? null,
    category: f.category,
    points: f.points,
    applicantFullName: f.applicant.fullName,
    applicantNationality: f.applicant.nationality,
    applicantPassportNumber: f.applicant.passportNumber,
    applicantDateOfBirth: f.applicant.dateOfBirth,
    applicantSex: f.applicant.sex,
    applicantHouseholdRegistration: f.applicant.householdRegistration as CaseEntity['applicantHouseholdRegistration'],
    attachments: f.attachments,
    contractEndsOn: f.contractEndsOn,
    passportExpiresOn: f.passportExpiresOn,
  };
}

/** The case as filed, as a FilingInput, with the corrections laid over it. */
function applyCorrections(c: CaseEntity, k: CorrectionsData): FilingInput {
  const pick = <T>(v: T | null | undefined, old: T): T => (v === undefined || v === null ? old : v);
  return {
    idempotencyKey: c.idempotencyKey,
    employerId: c.employerId,
    route: c.route,
    notificationLetterNumber: pick(k.notificationLetterNumber, c.notificationLetterNumber),
    inMainlandBasis: pick(k.inMainlandBasis, c.inMainlandBasis),
    renewal:
      c.route === 'RENEWAL'
        ? pick(k.renewal, {
            currentWorkPermitNumber: c.currentWorkPermitNumber ?? '',
            currentResidencePermitNumber: c.currentResidencePermitNumber ?? '',
            currentPermitsExpireOn: c.currentPermitsExpireOn ?? '',
          })
        : (k.renewal ?? null),
    category: pick(k.category, c.category),
    // New category without new points: the old points may no longer agree, so they are dropped.
    points:
      k.points !== undefined && k.points !== null
        ? k.points
        : k.category && k.category !== c.category
          ? null
          : c.points,
    applicant: {
      fullName: pick(k.applicant?.fullName, c.applicantFullName),
      nationality: pick(k.applicant?.nationality, c.applicantNationality),
      passportNumber: pick(k.applicant?.passportNumber, c.applicantPassportNumber),
      dateOfBirth: pick(k.applicant?.dateOfBirth, c.applicantDateOfBirth),
      sex: pick(k.applicant?.sex, c.applicantSex),
      householdRegistration: pick(k.applicant?.householdRegistration, c.applicantHouseholdRegistration),
    },
    attachments: pick(k.attachments, c.attachments),
    contractEndsOn: pick(k.contractEndsOn, c.contractEndsOn),
    passportExpiresOn: pick(k.passportExpiresOn, c.passportExpiresOn),
  };
}

function correctedFields(k: CorrectionsData): string[] {
  const out: string[] = [];
  for (const [key, v] of Object.entries(k)) {
    if (v === undefined || v === null) continue;
    if (key === 'applicant' && typeof v === 'object') {
      for (const [f, x] of Object.entries(v as Record<string, unknown>))
        if (x !== undefined && x !== null) out.push(`applicant.${f}`);
    } else out.push(key);
  }
  return out;
}

/** case.submitted: what the other subgraphs need of a filing. */
export function submittedPayload(c: CaseEntity, filedOn: string): CaseSubmittedPayload {
  return {
    caseId: c.id,
    reference: c.reference,
    employerId: c.employerId,
    agencyId: c.agencyId,
    category: c.category,
    route: c.route,
    applicant: {
      fullName: c.applicantFullName,
      nationality: c.applicantNationality,
      dateOfBirth: c.applicantDateOfBirth,
      sex: c.applicantSex,
    },
    filedOn,
    submittedAt: c.submittedAt.toISOString(),
    preExamDueAt: c.preExamDueAt.toISOString(),
    preExamDueProvisional: c.preExamDueProvisional,
  };
}
