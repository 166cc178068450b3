import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  assertCan,
  BadUserInputError,
  ConflictError,
  InvalidTransitionError,
  keyReusedError,
  lastCaseEvent,
  lockCaseGate,
  NotFoundError,
  shanghaiDate,
  type Actor,
  type CalendarStore,
  type CommandPipeline,
  type CommandSpec,
  isUuid,
  idempotencyKeyProblems,
} from '@onestop/common';
import {
  EVENT_TYPES,
  preExamDue,
  type CaseSubmittedPayload,
  type CaseWithdrawnPayload,
  type Category,
} from '@onestop/common/contract';
import { EmployerEntity } from '../employer/employer.entity.js';
import { changeCase, ON_CASE } from './case-changes.js';
import {
  filingHash,
  filingRequest,
  legacyFilingHashOf,
  parseFiling,
  type Filing,
  type FilingInput,
  type RenewalData,
  type RenewalWindow,
} from './case-filing.rules.js';
import { assertMove, STATUS_MOVES } from './case-status.rules.js';
import { CaseEntity } from './case.entity.js';
import { caseById, nextReference } from './case.store.js';

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

/** A filing with the agency that files it (whose key it is). */
interface FileCase {
  agencyId: string;
  filedBy: string;
  input: FilingInput;
}

/** What a filing belongs to: the employer (FOR KEY SHARE, as the case's foreign key will: not removed meanwhile, still editable), and the new case's id. */
interface FilingTarget {
  employer: EmployerEntity | null;
  caseId: string;
}

/** A resubmission: the corrections, and the note for the timeline. */
interface ResubmitCase {
  caseId: string;
  corrections: CorrectionsData;
  note: string | null;
}

/** A withdrawal: the case, with counter-scheduling's acceptance of it if the log has one. */
interface WithdrawalTarget {
  c: CaseEntity;
  accepted: Awaited<ReturnType<typeof lastAcceptance>>;
}

/** Filing, resubmission and withdrawal: the agency's commands on a case. */
export class CaseFilingService {
  constructor(
    private readonly commands: CommandPipeline,
    private readonly calendar: CalendarStore,
    private readonly renewalWindow: RenewalWindow,
  ) {}

  /**
   * Files a case. Idempotent per agency and key (the ledger): the same key with the same input
   * returns the case the first request made, with different input it is a CONFLICT. The
   * reference is the year's next number, taken under the counter row's lock in this transaction,
   * so references have neither gaps nor duplicates whatever runs concurrently.
   */
  async file(actor: Actor | null, input: FilingInput): Promise<CaseEntity> {
    assertCan(actor, 'case.file', { employerId: input.employerId });
    const keyProblems = idempotencyKeyProblems(input.idempotencyKey);
    if (keyProblems.length) throw new BadUserInputError('The case cannot be filed', keyProblems);
    return this.commands.run(actor, this.fileCase, { agencyId: actor.agencyId!, filedBy: actor.id, input });
  }

  private readonly fileCase: CommandSpec<FileCase, FilingTarget, CaseEntity> = {
    name: 'fileCase',
    action: 'case.file',
    load: async (tx, { input }) => ({
      employer: isUuid(input.employerId)
        ? await tx
            .getRepository(EmployerEntity)
            .findOne({ where: { id: input.employerId }, lock: { mode: 'for_key_share' } })
        : null,
      caseId: randomUUID(),
    }),
    resource: (_t, { input }) => ({ employerId: input.employerId }),
    notFound: ({ input }) => new NotFoundError('Employer', input.employerId),
    subject: (t, { input }) => ({ aggregateId: t.caseId, employerId: input.employerId }),
    idempotency: {
      key: ({ input }) => input.idempotencyKey,
      required: true,
      principal: (_actor, { agencyId }) => agencyId,
      request: ({ input }) => filingRequest(input),
      resultId: (c) => c.id,
      replay: async (tx, id) => (await caseById(tx, id!))!,
      // A key copied from before the upgrade whose request could not be rebuilt from the case's columns.
      sameAs: (prior, { input }) => legacyFilingHashOf(prior.request) === filingHash(input),
      reused: async (tx, prior, { input }) => {
        const earlier = prior.operation === 'fileCase' && prior.resultId ? await caseById(tx, prior.resultId) : null;
        if (!earlier) return keyReusedError(input.idempotencyKey, prior);
        return new ConflictError(
          `The idempotency key was already used for case ${earlier.reference} with different input: use a new key for a new filing.`,
          { reference: earlier.reference },
        );
      },
    },
    execute: (cx, target, { agencyId, filedBy, input }) =>
      changeCase(cx, async (changes) => {
        const now = cx.now;
        const today = shanghaiDate(now);
        const { filing, problems } = parseFiling(input, today, this.renewalWindow);
        if (!isUuid(input.employerId)) problems.push(`employerId ${input.employerId} is not an employer id`);
        else if (!target.employer) problems.push(`employerId: no employer ${input.employerId} is registered`);
        if (problems.length) throw new BadUserInputError('The case cannot be filed', problems);
        const reference = await nextReference(cx.tx, Number(today.slice(0, 4)));
        const due = preExamDue(this.calendar.calendar, now, filing.category);
        const c = cx.tx.getRepository(CaseEntity).create({
          id: target.caseId,
          reference,
          employerId: filing.employerId,
          agencyId,
          filedBy,
          // Kept as data (decision 0022): the ledger is where keys are checked.
          idempotencyKey: input.idempotencyKey,
          filingHash: filingHash(input),
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
        await cx.tx.getRepository(CaseEntity).insert(c);
        changes.event(c, EVENT_TYPES.caseSubmitted, submittedPayload(c, today));
        changes.filed(c, `Filed on the ${c.route} route, Category ${c.category}`);
        return c;
      }),
  };

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
    return this.commands.run(actor, this.resubmitCase, { caseId, corrections, note });
  }

  private readonly resubmitCase: CommandSpec<ResubmitCase, CaseEntity, CaseEntity> = {
    name: 'resubmitCase',
    action: 'case.resubmit',
    ...ON_CASE,
    rules: (c) => void assertMove(c.status, 'resubmit', 'resubmitting', c.reference),
    execute: (cx, c, { corrections, note }) =>
      changeCase(cx, (changes) => {
        const now = cx.now;
        const merged = applyCorrections(c, corrections);
        const { filing, problems } = parseFiling(merged, shanghaiDate(now), this.renewalWindow, false);
        if (problems.length) throw new BadUserInputError('The case cannot be resubmitted', problems);
        const due = preExamDue(this.calendar.calendar, now, filing.category);
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
        return c;
      }),
  };

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
    return this.commands.run(actor, this.withdrawCase, { caseId, reason: why });
  }

  private readonly withdrawCase: CommandSpec<{ caseId: string; reason: string | null }, WithdrawalTarget, CaseEntity> =
    {
      name: 'withdrawCase',
      action: 'case.withdraw',
      // Lock order: the gate, then the case row, then the event log (append, last).
      load: async (tx, input) => {
        await lockCaseGate(tx, input.caseId);
        const c = await ON_CASE.load(tx, input);
        return c && { c, accepted: await lastAcceptance(tx, c) };
      },
      resource: ({ c }) => ON_CASE.resource(c),
      notFound: ON_CASE.notFound,
      subject: ({ c }) => ON_CASE.subject(c),
      rules: ({ c, accepted }) => {
        refuseIfAccepted(c, accepted);
        assertMove(c.status, 'withdraw', 'withdrawing (only before acceptance)', c.reference);
      },
      execute: (cx, { c }, { reason }) =>
        changeCase(cx, (changes) => {
          const from = c.status;
          changes.set(c, { withdrawnAt: cx.now });
          const payload: CaseWithdrawnPayload = {
            caseId: c.id,
            reference: c.reference,
            from,
            reason,
            withdrawnAt: cx.now.toISOString(),
          };
          changes.event(c, EVENT_TYPES.caseWithdrawn, payload);
          changes.move(c, 'WITHDRAWN', 'WITHDRAWN', reason);
          return c;
        }),
    };
}

/** counter-scheduling's acceptance of the case's documents, read from the log (null: none). */
function lastAcceptance(tx: EntityManager, c: CaseEntity) {
  return lastCaseEvent(tx, c.id, [EVENT_TYPES.documentsAccepted]);
}

/**
 * INVALID_TRANSITION when counter-scheduling has accepted the case's documents: read from the
 * log, not from `c.status`, which trails acceptance by work-permit's consumer lag.
 */
function refuseIfAccepted(c: CaseEntity, accepted: WithdrawalTarget['accepted']): void {
  if (!accepted) return;
  const receipt = accepted.payload.receiptNumber;
  const acceptedAt = accepted.payload.acceptedAt.toISOString();
  throw new InvalidTransitionError(
    `Case ${c.reference} cannot be withdrawn: its documents were accepted at the counter${receipt ? ` (receipt of acceptance ${receipt})` : ''}, and a case may be withdrawn only before acceptance.`,
    { status: c.status, allowedFrom: [...STATUS_MOVES.withdraw.from], receiptNumber: receipt, acceptedAt },
  );
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
