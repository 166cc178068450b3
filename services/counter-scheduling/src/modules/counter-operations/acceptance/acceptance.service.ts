import type { EntityManager } from 'typeorm';
import {
  BadUserInputError,
  InvalidTransitionError,
  lastCaseEvent,
  employerScope,
  shanghaiDate,
  type Actor,
  type CommandPipeline,
  type CommandSpec,
  type SubgraphRuntime,
} from '@onestop/common';
import { EVENT_TYPES, issuanceDue, type TypedEvent } from '@onestop/common/contract';
import { describeSlot } from '../shared/appointment-status.js';
import type { CaseReadinessEntity } from '../readiness/case-readiness.entity.js';
import type { CaseReadinessStore } from '../readiness/case-readiness.store.js';
import { clerkKey, gatedCaseTarget } from '../shared/clerk-commands.js';
import { checkText } from '../shared/input.js';
import { formatReceiptNumber, nextNumber, shanghaiYear } from '../shared/numbering.js';
import { AcceptanceEntity } from './acceptance.entity.js';

/** Arguments of `acceptDocuments`. */
interface AcceptInput {
  counterId: string;
  caseId: string;
  idempotencyKey?: string | null;
}

/**
 * Acceptance of the paper materials at the counter (decision 0004): the checks, the receipt of
 * acceptance number, the issuance due, and `case.documents-accepted`.
 */
export class AcceptanceService {
  constructor(
    private readonly rt: Pick<SubgraphRuntime, 'ds' | 'calendar'>,
    private readonly commands: CommandPipeline,
    private readonly cases: CaseReadinessStore,
  ) {}

  /**
   * Acceptances by case, scoped to the actor's employers, in one statement. The issuance due
   * is the ISSUANCE clock's (docs/sla-and-calendar.md): one source of truth, which follows
   * calendar changes while the permits are being decided and stays put once they are. The due
   * stored at acceptance answers only in the moment before the SLA consumer has started the
   * clock (the two are equal then: the clock starts from the event carrying that due).
   */
  async byCase(actor: Actor, caseIds: readonly string[]): Promise<Map<string, AcceptanceEntity>> {
    return this.read(caseIds, employerScope(actor));
  }

  /** Acceptances by case; `employers` null reads every employer's. */
  private async read(
    caseIds: readonly string[],
    employers: readonly string[] | null,
  ): Promise<Map<string, AcceptanceEntity>> {
    if (!caseIds.length) return new Map();
    const agency = employers !== null;
    const rows: AcceptanceEntity[] = await this.rt.ds.query(
      `SELECT a.case_id AS "caseId", a.receipt_number AS "receiptNumber", a.counter_id AS "counterId",
         a.employer_id AS "employerId", a.accepted_at AS "acceptedAt", a.accepted_by AS "acceptedBy",
         coalesce(c.due_at, a.issuance_due_at) AS "issuanceDueAt",
         coalesce(c.provisional, a.issuance_due_provisional) AS "issuanceDueProvisional"
       FROM cs.acceptance a
       LEFT JOIN LATERAL (
         SELECT k.due_at, k.provisional FROM cs.sla_clock k
         WHERE k.case_id = a.case_id AND k.kind = 'ISSUANCE'
         ORDER BY k.started_at DESC LIMIT 1
       ) c ON true
       WHERE a.case_id = ANY($1) AND (NOT $2 OR a.employer_id = ANY($3))`,
      [[...caseIds], agency, employers ?? []],
    );
    return new Map(rows.map((a) => [a.caseId, a]));
  }

  /**
   * Accepts the documents of a case checked in at the clerk's counter today. Refused with
   * INVALID_TRANSITION while anything is missing; `extensions.problems` lists every item of
   * both checklists and the interview requirement, so the clerk can tell the applicant at once.
   *
   * A withdrawal is work-permit's command, which the projection learns of only when its
   * consumer reads `case.withdrawn`; so both commands take the case's gate first and look for
   * the other's event in the log (docs/decisions/0006): an acceptance after a withdrawal
   * committed is refused, however recent, and one of the two always loses.
   */
  async accept(actor: Actor, counterId: string, caseId: string, key?: string | null): Promise<AcceptanceEntity> {
    const input: string[] = [];
    checkText(input, 'caseId', caseId, 100);
    if (input.length) throw new BadUserInputError('The acceptance is not valid', input);
    return this.commands.run(actor, this.acceptSpec, { counterId, caseId, idempotencyKey: key });
  }

  /** `acceptDocuments`: the case is the target; the clerk's key replays (operation and request as before the ledger). */
  private readonly acceptSpec: CommandSpec<AcceptInput, CaseReadinessEntity, AcceptanceEntity> = {
    name: 'acceptDocuments',
    action: 'documents.accept',
    ...gatedCaseTarget<AcceptInput, CaseReadinessEntity>((tx, caseId) => this.cases.load(tx, caseId)),
    idempotency: clerkKey(
      ({ counterId, caseId }) => ({ counterId, caseId }),
      (a) => a.caseId,
      async (_tx, _id, { caseId }) => (await this.read([caseId], null)).get(caseId)!,
    ),
    execute: async (cx, kase, { counterId, caseId }) => {
      const existing = await cx.tx.getRepository(AcceptanceEntity).findOne({ where: { caseId } });
      if (existing) {
        throw new InvalidTransitionError(
          `The documents of case ${caseId} were already accepted (receipt ${existing.receiptNumber}).`,
          {
            receiptNumber: existing.receiptNumber,
          },
        );
      }
      const withdrawal = await lastCaseEvent(cx.tx, caseId, [EVENT_TYPES.caseWithdrawn]);
      const now = cx.now;
      const visit = await this.visitProblems(cx.tx, caseId, counterId, shanghaiDate(now));
      const problems = [...withdrawalProblems(withdrawal, kase.withdrawn), ...visit, ...readinessProblems(kase)];
      if (problems.length) {
        throw new InvalidTransitionError(
          `The documents of case ${caseId} cannot be accepted${withdrawal || kase.withdrawn ? '' : ' yet'}: ${problems.join('; ')}.`,
          // Decision 0008: acceptance belongs to a visit being served at a window of this counter.
          visit.length ? { problems, reason: 'VISIT_NOT_BEING_SERVED' } : { problems },
        );
      }
      const year = shanghaiYear(now);
      const due = issuanceDue(this.rt.calendar.calendar, now);
      const acceptance: AcceptanceEntity = {
        caseId,
        receiptNumber: formatReceiptNumber(year, await nextNumber(cx.tx, 'RA', year)),
        counterId,
        employerId: kase.employerId,
        acceptedAt: now,
        acceptedBy: cx.actor!.id,
        issuanceDueAt: due.due,
        issuanceDueProvisional: due.provisional,
      };
      await cx.tx.getRepository(AcceptanceEntity).insert(acceptance);
      cx.emit(EVENT_TYPES.documentsAccepted, {
        caseId,
        counterId,
        receiptNumber: acceptance.receiptNumber,
        acceptedAt: now.toISOString(),
        issuanceDueAt: due.due.toISOString(),
        issuanceDueProvisional: due.provisional,
      });
      return acceptance;
    },
  };

  /** The receipt of acceptance by its number (RA-2026-000123), or null: the claim desk's look-up. */
  async byReceiptNumber(actor: Actor, receiptNumber: string): Promise<AcceptanceEntity | null> {
    const rows: { case_id: string }[] = await this.rt.ds.query(
      `SELECT case_id FROM cs.acceptance WHERE receipt_number = $1`,
      [receiptNumber],
    );
    return rows[0] ? ((await this.byCase(actor, [rows[0].case_id])).get(rows[0].case_id) ?? null) : null;
  }

  /**
   * Decision 0008: documents are accepted during a visit being served at a window of this
   * counter today (its ticket SERVING), so the visit cannot end UNSERVED after its documents
   * were accepted, raise a false counter-wait breach, or count as waiting in the live load.
   * The ticket row is locked (FOR SHARE) so the window cannot complete it meanwhile.
   */
  private async visitProblems(tx: EntityManager, caseId: string, counterId: string, today: string): Promise<string[]> {
    const rows: { ticket_number: string; status: string; window_number: number | null }[] = await tx.query(
      `SELECT ticket_number, status, window_number FROM cs.ticket
        WHERE case_id = $1 AND counter_id = $2 AND service_date = $3
        ORDER BY (status = 'SERVING') DESC, seq DESC
        LIMIT 1 FOR SHARE`,
      [caseId, counterId, today],
    );
    const t = rows[0];
    return visitProblem(counterId, t?.ticket_number ?? null, t?.status ?? null, t?.window_number ?? null);
  }
}

/** Why a visit's ticket does not allow acceptance (empty when it is being served). */
export function visitProblem(
  counterId: string,
  ticketNumber: string | null,
  status: string | null,
  window: number | null,
): string[] {
  switch (status) {
    case 'SERVING':
      return [];
    case 'WAITING':
      return [`ticket ${ticketNumber} is still waiting: call it to a window and start the service first`];
    case 'CALLED':
      return [`ticket ${ticketNumber} is called to window ${window ?? '?'}: start the service first`];
    case 'DONE':
      return [`the visit of ticket ${ticketNumber} is complete: check the applicant in again`];
    default:
      // No ticket, or one that ended without the applicant at the window (missed call, closed at
      // the end of the day, withdrawn): not a visit.
      return [`the applicant has not checked in at counter ${counterId} today`];
  }
}

/** The receipt number when the case's documents were accepted here, else null. */
export async function acceptedReceipt(tx: EntityManager, caseId: string): Promise<string | null> {
  const rows: { receipt_number: string }[] = await tx.query(
    `SELECT receipt_number FROM cs.acceptance WHERE case_id = $1`,
    [caseId],
  );
  return rows[0]?.receipt_number ?? null;
}

/**
 * The withdrawal, if any: from the log (`case.withdrawn`, committed before this acceptance took
 * the gate), or from the projection should it know of one the log read did not return.
 */
export function withdrawalProblems(
  withdrawal: Pick<TypedEvent<typeof EVENT_TYPES.caseWithdrawn>, 'payload' | 'occurredAt'> | null,
  projectedWithdrawn: boolean,
): string[] {
  if (withdrawal) {
    const { withdrawnAt } = withdrawal.payload;
    const at = Number.isNaN(withdrawnAt.getTime()) ? withdrawal.occurredAt : withdrawnAt;
    return [`the agency withdrew the case at ${describeSlot(at)}`];
  }
  return projectedWithdrawn ? ['the agency withdrew the case'] : [];
}

/** Everything the projection says still blocks acceptance (empty when nothing does). */
export function readinessProblems(kase: CaseReadinessEntity): string[] {
  const problems: string[] = [];
  if (!kase.preExamPassed) problems.push('pre-examination has not passed');
  for (const [label, list] of [
    ['work permit', kase.wpMaterials],
    ['residence permit', kase.rpMaterials],
  ] as const) {
    if (!list) problems.push(`${label} materials: the checklist has not been recorded yet`);
    else if (!list.complete) {
      if (list.missing.length) problems.push(...list.missing.map((m) => `${label} materials missing: ${m}`));
      else problems.push(`${label} materials: the checklist is not complete`);
    }
  }
  const iv = kase.interview;
  if (!iv) problems.push('interview: the requirement is not known yet');
  else if (!iv.satisfied && !iv.scheduled) {
    problems.push(`interview: required${iv.reason ? ` (${iv.reason})` : ''} but neither completed nor scheduled`);
  }
  return problems;
}
