import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  assertNoProblems,
  decodeCursor,
  employerScope,
  encodeCursor,
  pageSize,
  parseIsoDate,
  shanghaiDate,
  type Actor,
  type SubgraphRuntime,
  isUuid,
  leanColumns,
  leanRows,
  leanStatement,
  leanTable,
} from '@onestop/common';
import {
  EVENT_TYPES,
  newEvent,
  type TypedEvent,
  type EventPayload,
  type EventType,
  type NewEvent,
  type ResidencePermitCreatedPayload,
} from '@onestop/common/contract';
import { heldLongerThanCutoff, MAX_HELD_WORKING_DAYS } from '../custody/custody-rules.js';
import { interviewOutcomeOf, interviewPayload, refreshInterview } from '../interview/interview-outcome.js';
import { summarizeChecklist } from '../materials/materials-checklist.js';
import type { ResidencePermitFilter } from './dto/residence-permit-filter.input.js';
import { ResidencePermitEntity } from './residence-permit.entity.js';

/** `case.submitted` or `case.resubmitted`, decoded. */
type SubmissionEvent = TypedEvent<typeof EVENT_TYPES.caseSubmitted | typeof EVENT_TYPES.caseResubmitted>;

/** One page of the officers' list. */
export interface PermitPage {
  edges: { cursor: string; node: ResidencePermitEntity }[];
  hasNextPage: boolean;
}

/** Undecided: the interview and verification filters are about work still to do. */
const OPEN_SQL = `p.status IN ('AWAITING_DOCUMENTS', 'UNDER_REVIEW')`;
const INTERVIEW_PENDING_SQL = `(${OPEN_SQL} AND p.interview_required AND NOT p.interview_completed)`;
const VERIFICATION_OUTSTANDING_SQL = `(${OPEN_SQL} AND EXISTS (SELECT 1 FROM rp.verification v WHERE v.permit_id = p.id AND v.outcome IS NULL))`;

/** Reads residence permits (always scoped to the actor) and creates them from filings. */
export class ResidencePermitService {
  constructor(private readonly runtime: SubgraphRuntime) {}

  /**
   * One statement for a batch of case ids, dropping any outside the actor's scope: the
   * `Case.residencePermit` path, read as plain rows (a prepared statement, no entity hydration).
   */
  async findByCaseIds(actor: Actor, caseIds: readonly string[]): Promise<Map<string, ResidencePermitEntity>> {
    const valid = caseIds.filter(isUuid);
    if (!valid.length) return new Map();
    const scope = employerScope(actor);
    const { ds } = this.runtime;
    const statement = leanStatement(
      ds,
      'residence-permit.by-case',
      () =>
        `SELECT ${leanColumns(ds, ResidencePermitEntity, 'p')} FROM ${leanTable(ds, ResidencePermitEntity)} p
         WHERE p.case_id = ANY($1) AND ($2::uuid[] IS NULL OR p.employer_id = ANY($2::uuid[]))`,
    );
    const rows = await leanRows<ResidencePermitEntity>(ds, statement, [
      valid,
      scope ? [...scope].filter(isUuid) : null,
    ]);
    return new Map(rows.map((r) => [r.caseId, r]));
  }

  /**
   * The officers' list: one SQL statement, keyset-paginated on (submitted_at, id). The custody
   * filter compares with a cutoff instant computed from the working-day calendar, so it uses
   * the index on passport_held_since instead of a calendar computation per row.
   */
  async list(
    actor: Actor,
    filter: ResidencePermitFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<PermitPage> {
    const problems: string[] = [];
    const size = pageSize(first, problems);
    const cursor = decodeCursor(after, 2, problems);
    if (cursor && (Number.isNaN(Date.parse(cursor[0]!)) || !isUuid(cursor[1]!)))
      problems.push('after is not a cursor this list returned');
    const held = filter?.passportHeldLongerThanWorkingDays;
    if (held !== null && held !== undefined && (!Number.isInteger(held) || held < 0 || held > MAX_HELD_WORKING_DAYS)) {
      problems.push(
        `filter.passportHeldLongerThanWorkingDays must be a whole number from 0 to ${MAX_HELD_WORKING_DAYS}`,
      );
    }
    assertNoProblems('The list request is not valid', problems);

    const qb = this.runtime.ds.getRepository(ResidencePermitEntity).createQueryBuilder('p');
    const scope = employerScope(actor);
    if (scope) qb.andWhere('p.employer_id = ANY(:scope)', { scope: [...scope] });
    if (filter?.status) qb.andWhere('p.status = :status', { status: filter.status });
    if (filter?.interviewPending === true) qb.andWhere(INTERVIEW_PENDING_SQL);
    if (filter?.interviewPending === false) qb.andWhere(`NOT ${INTERVIEW_PENDING_SQL}`);
    if (filter?.verificationOutstanding === true) qb.andWhere(VERIFICATION_OUTSTANDING_SQL);
    if (filter?.verificationOutstanding === false) qb.andWhere(`NOT ${VERIFICATION_OUTSTANDING_SQL}`);
    if (held !== null && held !== undefined) {
      const cutoff = heldLongerThanCutoff(this.runtime.calendar.calendar, this.runtime.clock.now(), held);
      qb.andWhere('p.passport_held_since < :cutoff AND p.passport_released_at IS NULL', { cutoff });
    }
    if (cursor)
      qb.andWhere('(p.submitted_at, p.id) > (:afterAt, :afterId)', {
        afterAt: new Date(cursor[0]!),
        afterId: cursor[1],
      });
    const rows = await qb
      .orderBy('p.submitted_at', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(size + 1)
      .getMany();
    const page = rows.slice(0, size);
    return {
      edges: page.map((node) => ({ cursor: encodeCursor([node.submittedAt.toISOString(), node.id]), node })),
      hasNextPage: rows.length > size,
    };
  }

  /**
   * Reaction to `case.submitted`: the residence-permit application exists from the filing,
   * awaiting the paper documents, with the interview rule already applied. Idempotent: a
   * second delivery for the same case changes nothing.
   */
  async createFromSubmission(event: SubmissionEvent, tx: EntityManager): Promise<void> {
    const p = event.payload;
    const { caseId, employerId } = p;
    if (!isUuid(caseId) || !isUuid(employerId)) {
      this.runtime.logger.error(
        { eventId: event.id, caseId, employerId },
        'case.submitted without a usable caseId/employerId: no residence permit created',
      );
      return;
    }
    const repo = tx.getRepository(ResidencePermitEntity);
    if (await repo.findOne({ where: { caseId } })) return;
    const now = this.runtime.clock.now();
    const submittedAt = p.submittedAt;
    const permit = repo.create({
      id: randomUUID(),
      caseId,
      caseReference: p.reference,
      employerId,
      agencyId: p.agencyId,
      category: p.category,
      route: p.route,
      applicantDateOfBirth: validDate(p.applicant.dateOfBirth),
      filedOn: validDate(p.filedOn) ?? shanghaiDate(submittedAt),
      submittedAt,
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
      interviewCompleted: false,
      interviewScheduled: false,
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
    });
    const outcome = interviewOutcomeOf(permit);
    permit.interviewRequired = outcome.required;
    permit.interviewReason = outcome.reason;
    await repo.insert(permit);
    const { caseId: _, ...interview } = interviewPayload(caseId, outcome);
    const created: ResidencePermitCreatedPayload = {
      caseId,
      residencePermitId: permit.id,
      status: permit.status,
      materials: summarizeChecklist([]),
      interview,
    };
    await this.runtime.events.append(tx, [
      systemEvent(EVENT_TYPES.residencePermitCreated, permit, created, now),
      systemEvent(EVENT_TYPES.interviewRequirementChanged, permit, interviewPayload(caseId, outcome), now),
    ]);
  }

  /**
   * Reaction to `case.resubmitted`: the corrected filing may change the facts the interview
   * rule reads (date of birth, route). The filing date stays the original one.
   */
  async applyResubmission(event: SubmissionEvent, tx: EntityManager): Promise<void> {
    const p = event.payload;
    const caseId = p.caseId;
    if (!isUuid(caseId)) return;
    const repo = tx.getRepository(ResidencePermitEntity);
    const permit = await repo.findOne({ where: { caseId }, lock: { mode: 'pessimistic_write' } });
    if (!permit) {
      // A resubmission of a case we never saw filed: treat it as the filing.
      await this.createFromSubmission(event, tx);
      return;
    }
    if (permit.status !== 'AWAITING_DOCUMENTS') return;
    const before = interviewOutcomeOf(permit);
    permit.applicantDateOfBirth = validDate(p.applicant.dateOfBirth) ?? permit.applicantDateOfBirth;
    permit.route = p.route;
    permit.category = p.category;
    const changed = refreshInterview(permit, before);
    const now = this.runtime.clock.now();
    permit.updatedAt = now;
    await repo.save(permit);
    if (changed) await this.runtime.events.append(tx, [systemEvent(changed.type, permit, changed.payload, now)]);
  }

  /**
   * Reaction to `case.withdrawn`: only before acceptance (work-permit and counter-scheduling
   * enforce it through the case's gate, decision 0006; we only follow). Once the documents are
   * accepted the passport is held and the review runs: a withdrawal recorded after that (before
   * the gate existed) is ignored, or the passport would stay held for a permit nobody decides.
   */
  async withdraw(event: TypedEvent<typeof EVENT_TYPES.caseWithdrawn>, tx: EntityManager): Promise<void> {
    const caseId = event.payload.caseId;
    if (!isUuid(caseId)) return;
    const repo = tx.getRepository(ResidencePermitEntity);
    const permit = await repo.findOne({ where: { caseId }, lock: { mode: 'pessimistic_write' } });
    if (!permit || permit.status === 'WITHDRAWN') return;
    if (permit.status !== 'AWAITING_DOCUMENTS') {
      this.runtime.logger.warn(
        { caseId, status: permit.status, receiptNumber: permit.receiptNumber },
        'case.withdrawn after the documents were accepted: ignored',
      );
      return;
    }
    permit.status = 'WITHDRAWN';
    permit.updatedAt = this.runtime.clock.now();
    await repo.save(permit);
  }
}

/** An event the subgraph appends on its own account (a reaction), scoped to the permit's employer. */
export function systemEvent<T extends EventType>(
  type: T,
  permit: ResidencePermitEntity,
  payload: EventPayload<T>,
  at: Date,
  counterId: string | null = null,
): NewEvent<T> {
  return newEvent(type, permit.caseId, payload, { employerId: permit.employerId, counterId, actor: null, at });
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
