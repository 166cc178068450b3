import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  InvariantError,
  isUuid,
  parseIsoDate,
  shanghaiDate,
  type CommandPipeline,
  type CommandSpec,
  type Logger,
} from '@onestop/common';
import { EVENT_TYPES, type TypedEvent } from '@onestop/common/contract';
import { interviewOutcomeOf, interviewPayload, refreshInterview } from '../interview/interview-outcome.js';
import { summarizeChecklist } from '../materials/materials-checklist.js';
import { reactionTarget, reactToCase, CASE_EVENTS_CONSUMER } from '../residence-permit/permit-command.js';
import { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import type { PermitStore } from '../residence-permit/residence-permit.store.js';

/** `case.submitted` or `case.resubmitted`, decoded. */
type SubmissionEvent = TypedEvent<typeof EVENT_TYPES.caseSubmitted | typeof EVENT_TYPES.caseResubmitted>;
type Submission = SubmissionEvent['payload'];
type Withdrawal = TypedEvent<typeof EVENT_TYPES.caseWithdrawn>['payload'];

/**
 * The permit's life from the case's filing (work-permit's facts): created at submission,
 * refreshed at a resubmission, ended by a withdrawal. Each reaction is a system command.
 */
export class FilingService {
  private readonly filing: CommandSpec<Submission, { existing: ResidencePermitEntity | null }, ResidencePermitEntity>;
  private readonly resubmission: CommandSpec<Submission, ResidencePermitEntity, void>;
  private readonly withdrawal: CommandSpec<Withdrawal, ResidencePermitEntity, void>;

  constructor(
    private readonly permits: PermitStore,
    private readonly commands: CommandPipeline,
    private readonly logger: Logger,
  ) {
    this.filing = {
      name: 'createResidencePermit',
      action: 'case.file',
      // What the new permit belongs to is the case, which lives in work-permit: the target is
      // whether this case already has its permit (a filing delivered twice).
      load: async (tx, p) => ({ existing: await permits.byCase(tx, p.caseId) }),
      resource: (_target, p) => ({ employerId: p.employerId }),
      notFound: (p) => new InvariantError(`the filing of case ${p.caseId} has no target`),
      subject: (_target, p) => ({ aggregateId: p.caseId, employerId: p.employerId }),
      // A second delivery of the filing changes nothing.
      replay: async (_tx, { existing }) => existing,
      execute: async (cx, _target, p) => {
        const permit = newPermit(p, cx.now);
        const outcome = interviewOutcomeOf(permit);
        permit.interviewRequired = outcome.required;
        permit.interviewReason = outcome.reason;
        await permits.insert(cx.tx, permit);
        const { caseId: _, ...interview } = interviewPayload(p.caseId, outcome);
        cx.emit(EVENT_TYPES.residencePermitCreated, {
          caseId: p.caseId,
          residencePermitId: permit.id,
          status: permit.status,
          materials: summarizeChecklist([]),
          interview,
        });
        cx.emit(EVENT_TYPES.interviewRequirementChanged, interviewPayload(p.caseId, outcome));
        return permit;
      },
    };

    this.resubmission = {
      ...reactionTarget(permits),
      name: 'refreshResidencePermit',
      action: 'case.resubmit',
      // The corrected filing may change the facts the interview rule reads (date of birth,
      // route); the filing date stays the original one. Only before acceptance.
      execute: async (cx, permit, p) => {
        if (permit.status !== 'AWAITING_DOCUMENTS') return;
        const before = interviewOutcomeOf(permit);
        permit.applicantDateOfBirth = validDate(p.applicant.dateOfBirth) ?? permit.applicantDateOfBirth;
        permit.route = p.route;
        permit.category = p.category;
        const changed = refreshInterview(permit, before);
        permit.updatedAt = cx.now;
        await permits.save(cx.tx, permit);
        if (changed) cx.emit(EVENT_TYPES.interviewRequirementChanged, changed);
      },
    };

    this.withdrawal = {
      ...reactionTarget(permits),
      name: 'withdrawResidencePermit',
      action: 'case.withdraw',
      execute: async (cx, permit) => {
        if (permit.status === 'WITHDRAWN') return;
        if (permit.status !== 'AWAITING_DOCUMENTS') {
          this.logger.warn(
            { caseId: permit.caseId, status: permit.status, receiptNumber: permit.receiptNumber },
            'case.withdrawn after the documents were accepted: ignored',
          );
          return;
        }
        permit.status = 'WITHDRAWN';
        permit.updatedAt = cx.now;
        await permits.save(cx.tx, permit);
      },
    };
  }

  /**
   * Reaction to `case.submitted`: the residence-permit application exists from the filing,
   * awaiting the paper documents, with the interview rule already applied. Idempotent: a
   * second delivery for the same case changes nothing.
   */
  async createFromSubmission(event: SubmissionEvent, tx: EntityManager): Promise<void> {
    const { caseId, employerId } = event.payload;
    if (!isUuid(caseId) || !isUuid(employerId)) {
      this.logger.error(
        { eventId: event.id, caseId, employerId },
        'case.submitted without a usable caseId/employerId: no residence permit created',
      );
      return;
    }
    await this.commands.runIn(tx, { kind: 'system', name: CASE_EVENTS_CONSUMER }, this.filing, event.payload);
  }

  /** Reaction to `case.resubmitted`; a resubmission of a case never seen filed is treated as the filing. */
  async applyResubmission(event: SubmissionEvent, tx: EntityManager): Promise<void> {
    if (!isUuid(event.payload.caseId)) return;
    if (!(await reactToCase(this.commands, tx, this.resubmission, event.payload)))
      await this.createFromSubmission(event, tx);
  }

  /**
   * Reaction to `case.withdrawn`: only before acceptance (work-permit and counter-scheduling
   * enforce it through the case's gate, decision 0006; we only follow). Once the documents are
   * accepted the passport is held and the review runs: a withdrawal recorded after that (before
   * the gate existed) is ignored, or the passport would stay held for a permit nobody decides.
   */
  async withdraw(event: TypedEvent<typeof EVENT_TYPES.caseWithdrawn>, tx: EntityManager): Promise<void> {
    await reactToCase(this.commands, tx, this.withdrawal, event.payload);
  }
}

/** A new permit from the filing, awaiting the paper documents (the interview rule is applied by the caller). */
function newPermit(p: Submission, now: Date): ResidencePermitEntity {
  return Object.assign(new ResidencePermitEntity(), {
    id: randomUUID(),
    caseId: p.caseId,
    caseReference: p.reference,
    employerId: p.employerId,
    agencyId: p.agencyId,
    category: p.category,
    route: p.route,
    applicantDateOfBirth: validDate(p.applicant.dateOfBirth),
    filedOn: validDate(p.filedOn) ?? shanghaiDate(p.submittedAt),
    submittedAt: p.submittedAt,
    status: 'AWAITING_DOCUMENTS',
    claimedGrounds: [],
    groundsDeclaredBy: null,
    groundsDeclaredAt: null,
    proxyKind: null,
    proxyName: null,
    proxyIdCopyReference: null,
    demandedBy: null,
    demandedByName: null,
    demandReason: null,
    demandedAt: null,
    interviewRequired: false,
    interviewCompleted: false,
    interviewScheduled: false,
    interviewReason: '',
    documentsAcceptedAt: null,
    receiptNumber: null,
    passportHeldSince: null,
    passportHeldCounterId: null,
    passportReleasedAt: null,
    passportReleasedCounterId: null,
    permitNumber: null,
    validFrom: null,
    validUntil: null,
    refusalReasons: null,
    decidedBy: null,
    decidedByName: null,
    decidedAt: null,
    createdAt: now,
    updatedAt: now,
  } satisfies ResidencePermitEntity);
}

/** A real calendar date (YYYY-MM-DD), or null: the applicant's date of birth is free text on the filing. */
function validDate(s: string): string | null {
  try {
    parseIsoDate(s);
    return s;
  } catch {
    return null;
  }
}
