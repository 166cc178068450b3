import type { EntityManager } from 'typeorm';
import {
  shanghaiDayEnd,
  shanghaiDayStart,
  type CalendarStore,
  type Clock,
  type EventStore,
  type Logger,
  type WorkingDayCalendar,
} from '@onestop/common';
import {
  CATEGORIES,
  EVENT_TYPES,
  ISSUANCE_WORKING_DAYS,
  PRE_EXAM_WORKING_DAYS,
  issuanceDue,
  preExamDue,
  newEvent,
  type Category,
  type Deadline,
  type NewEvent,
  type SlaKind,
  type TypedEvent,
} from '@onestop/common/contract';
import { scheduleClock, yearsTouched, type SlaClockState } from './sla-clock.rules.js';
import {
  CLOCK_COLUMNS,
  fireDueThresholds,
  insertClock,
  lockOpenClocks,
  saveClocks,
  slaEvent,
  type ClockRow,
} from './sla-clock.store.js';
import { readThresholds } from '../thresholds/sla-thresholds.store.js';

/** The events that start, stop and move SLA clocks (consumer `counter-scheduling.sla-clocks`). */
export const SLA_CLOCK_EVENT_TYPES = [
  EVENT_TYPES.caseSubmitted,
  EVENT_TYPES.caseResubmitted,
  EVENT_TYPES.caseReturned,
  EVENT_TYPES.casePreExamPassed,
  EVENT_TYPES.caseWithdrawn,
  EVENT_TYPES.documentsAccepted,
  EVENT_TYPES.workPermitIssued,
  EVENT_TYPES.workPermitRefused,
  EVENT_TYPES.residencePermitIssued,
  EVENT_TYPES.residencePermitRefused,
  EVENT_TYPES.claimRecorded,
  EVENT_TYPES.ticketIssued,
  EVENT_TYPES.ticketCalled,
  EVENT_TYPES.ticketUnserved,
  EVENT_TYPES.calendarChanged,
] as const;
type ClockEvent = TypedEvent<(typeof SLA_CLOCK_EVENT_TYPES)[number]>;
type EventOf<T extends ClockEvent['type']> = Extract<ClockEvent, { type: T }>;

/** How a stopped clock ends when it had not breached. */
type StopOutcome = Extract<SlaClockState, 'STOPPED' | 'MET' | 'CANCELLED'>;

/** What the clocks know of a case (cs.sla_case). */
interface CaseFacts {
  employerId: string | null;
  category: Category | null;
  workPermitDecided: boolean;
  residencePermitDecided: boolean;
}

/**
 * What counter operations tell the clocks (the seam's one port, filled by the wiring): the
 * receipt number of the case's acceptance, read in the caller's transaction, or null.
 */
export type AcceptedReceipt = (tx: EntityManager, caseId: string) => Promise<string | null>;

export interface SlaClockServiceDeps {
  events: EventStore;
  calendar: CalendarStore;
  clock: Clock;
  logger: Logger;
  acceptedReceipt: AcceptedReceipt;
}

/**
 * Starts, stops and recomputes SLA clocks from the domain events of all three subgraphs.
 * Runs inside the durable consumer's transaction: the clock rows, the breach rows and the
 * events it appends commit with the consumer's position, so each event acts exactly once.
 *
 * Times come from the events' payloads (submittedAt, acceptedAt, decidedAt…): a clock starts
 * when the fact happened, not when this consumer got round to it. A threshold that fell due
 * before a stop is still emitted (once) by the stop itself; the sweeper emits the rest.
 */
export class SlaClockService {
  /** The newest `calendar.changed` event this process's calendar reflects. */
  private calendarSeen: string | null = null;

  constructor(private readonly deps: SlaClockServiceDeps) {}

  async handle(event: ClockEvent, tx: EntityManager): Promise<void> {
    const events = await this.react(event, tx);
    // Last in the transaction: the append lock is held until commit.
    if (events.length) await this.deps.events.append(tx, events);
  }

  private async react(event: ClockEvent, tx: EntityManager): Promise<NewEvent[]> {
    if (event.type === EVENT_TYPES.calendarChanged) return this.recompute(tx, event);
    const caseId = event.payload.caseId;
    switch (event.type) {
      case EVENT_TYPES.caseSubmitted:
      case EVENT_TYPES.caseResubmitted:
        return this.onSubmitted(tx, event, caseId);
      case EVENT_TYPES.caseReturned:
        return this.stop(tx, caseId, ['PRE_EXAMINATION'], 'STOPPED', event.payload.returnedAt);
      case EVENT_TYPES.casePreExamPassed:
        return this.stop(tx, caseId, ['PRE_EXAMINATION'], 'MET', event.payload.passedAt);
      case EVENT_TYPES.caseWithdrawn:
        if (await this.acceptedBeforeWithdrawal(tx, event, caseId)) return [];
        return this.stop(
          tx,
          caseId,
          ['PRE_EXAMINATION', 'ISSUANCE', 'COUNTER_WAIT', 'PASSPORT_CUSTODY'],
          'CANCELLED',
          event.payload.withdrawnAt,
        );
      case EVENT_TYPES.documentsAccepted:
        return this.onDocumentsAccepted(tx, event, caseId);
      case EVENT_TYPES.workPermitIssued:
      case EVENT_TYPES.workPermitRefused:
        return this.onDecision(tx, event, caseId, 'work_permit_decided');
      case EVENT_TYPES.residencePermitIssued:
      case EVENT_TYPES.residencePermitRefused:
        return this.onDecision(tx, event, caseId, 'residence_permit_decided');
      case EVENT_TYPES.claimRecorded:
        return this.stop(tx, caseId, ['PASSPORT_CUSTODY'], 'MET', event.payload.claimedAt);
      case EVENT_TYPES.ticketIssued:
        return this.onTicketIssued(tx, event, caseId);
      case EVENT_TYPES.ticketCalled:
        return this.stop(tx, caseId, ['COUNTER_WAIT'], 'MET', event.payload.at, event.payload.ticketId);
      case EVENT_TYPES.ticketUnserved:
        // Nobody called the ticket before the counter closed: the wait is over without being
        // met. A breach already recorded stays, and is resolved at the closing time.
        return this.stop(tx, caseId, ['COUNTER_WAIT'], 'CANCELLED', event.payload.at, event.payload.ticketId);
    }
  }

  /**
   * A withdrawal recorded after the documents were accepted (possible only before both commands
   * took the case's gate, decision 0006) cancels nothing: the passport is held and the issuance
   * clock runs until the permits are decided.
   */
  private async acceptedBeforeWithdrawal(tx: EntityManager, event: ClockEvent, caseId: string): Promise<boolean> {
    const receipt = await this.deps.acceptedReceipt(tx, caseId);
    if (!receipt) return false;
    this.deps.logger.warn(
      { eventId: event.id, caseId, receiptNumber: receipt },
      'case.withdrawn for a case whose documents were accepted: its clocks keep running',
    );
    return true;
  }

  private async onSubmitted(
    tx: EntityManager,
    event: EventOf<typeof EVENT_TYPES.caseSubmitted | typeof EVENT_TYPES.caseResubmitted>,
    caseId: string,
  ): Promise<NewEvent[]> {
    const p = event.payload;
    const facts = await upsertCase(tx, caseId, p.employerId, p.category);
    const startedAt = p.submittedAt;
    // A resubmission always follows a return, which stopped the clock; should the return be
    // missing, the earlier clock stops here rather than run on beside the new one.
    const events = await this.stop(tx, caseId, ['PRE_EXAMINATION'], 'STOPPED', startedAt);
    if (!facts.category) {
      this.deps.logger.warn(
        { caseId, eventId: event.id },
        'case.submitted without a category: no pre-examination clock',
      );
      return events;
    }
    const calendar = await this.currentCalendar(tx);
    // work-permit computed the due with the same rule (docs/decisions/0005): use its figure.
    const deadline: Deadline = { due: p.preExamDueAt, provisional: p.preExamDueProvisional };
    const { warningPercents } = await readThresholds(tx);
    const workingDays = PRE_EXAM_WORKING_DAYS[facts.category];
    await insertClock(
      tx,
      {
        caseId,
        kind: 'PRE_EXAMINATION',
        employerId: facts.employerId,
        category: facts.category,
        counterId: null,
        ticketId: null,
        startedAt,
        targetWorkingDays: workingDays,
        targetMinutes: null,
        schedule: scheduleClock(calendar, startedAt, { basis: 'WORKING_DAYS', workingDays }, warningPercents, deadline),
        startEventId: event.id,
      },
      this.deps.clock.now(),
    );
    return events;
  }

  private async onDocumentsAccepted(
    tx: EntityManager,
    event: EventOf<typeof EVENT_TYPES.documentsAccepted>,
    caseId: string,
  ): Promise<NewEvent[]> {
    const p = event.payload;
    const facts = await upsertCase(tx, caseId, event.employerId, null);
    const startedAt = p.acceptedAt;
    const counterId = p.counterId;
    const calendar = await this.currentCalendar(tx);
    const thresholds = await readThresholds(tx);
    const issuance: Deadline = { due: p.issuanceDueAt, provisional: p.issuanceDueProvisional };
    const common = {
      caseId,
      employerId: facts.employerId,
      category: facts.category,
      counterId,
      ticketId: null,
      startedAt,
      targetMinutes: null,
      startEventId: event.id,
    };
    const now = this.deps.clock.now();
    await insertClock(
      tx,
      {
        ...common,
        kind: 'ISSUANCE',
        targetWorkingDays: ISSUANCE_WORKING_DAYS,
        schedule: scheduleClock(
          calendar,
          startedAt,
          { basis: 'WORKING_DAYS', workingDays: ISSUANCE_WORKING_DAYS },
          thresholds.warningPercents,
          issuance,
        ),
      },
      now,
    );
    const custodyDays = thresholds.passportCustodyWorkingDays;
    await insertClock(
      tx,
      {
        ...common,
        kind: 'PASSPORT_CUSTODY',
        targetWorkingDays: custodyDays,
        schedule: scheduleClock(
          calendar,
          startedAt,
          { basis: 'WORKING_DAYS', workingDays: custodyDays },
          thresholds.warningPercents,
        ),
      },
      now,
    );
    return [];
  }

  private async onDecision(
    tx: EntityManager,
    event: EventOf<
      | typeof EVENT_TYPES.workPermitIssued
      | typeof EVENT_TYPES.workPermitRefused
      | typeof EVENT_TYPES.residencePermitIssued
      | typeof EVENT_TYPES.residencePermitRefused
    >,
    caseId: string,
    column: 'work_permit_decided' | 'residence_permit_decided',
  ): Promise<NewEvent[]> {
    const rows: CaseFacts[] = await tx.query(
      `INSERT INTO cs.sla_case (case_id, employer_id, ${column}) VALUES ($1, $2, true)
       ON CONFLICT (case_id) DO UPDATE SET ${column} = true,
         employer_id = coalesce(cs.sla_case.employer_id, EXCLUDED.employer_id)
       RETURNING ${FACT_COLUMNS}`,
      [caseId, event.employerId],
    );
    const facts = rows[0]!;
    if (!facts.workPermitDecided || !facts.residencePermitDecided) return [];
    return this.stop(tx, caseId, ['ISSUANCE'], 'MET', event.payload.decidedAt);
  }

  private async onTicketIssued(
    tx: EntityManager,
    event: EventOf<typeof EVENT_TYPES.ticketIssued>,
    caseId: string,
  ): Promise<NewEvent[]> {
    const p = event.payload;
    const facts = await upsertCase(tx, caseId, event.employerId, null);
    const startedAt = p.at;
    const { counterWaitMinutes, warningPercents } = await readThresholds(tx);
    await insertClock(
      tx,
      {
        caseId,
        kind: 'COUNTER_WAIT',
        employerId: facts.employerId,
        category: facts.category,
        counterId: p.counterId,
        ticketId: p.ticketId,
        startedAt,
        targetWorkingDays: null,
        targetMinutes: counterWaitMinutes,
        schedule: scheduleClock(
          this.deps.calendar.calendar,
          startedAt,
          { basis: 'WALL_MINUTES', minutes: counterWaitMinutes },
          warningPercents,
        ),
        startEventId: event.id,
      },
      this.deps.clock.now(),
    );
    return [];
  }

  /**
   * Stops the open clocks of `kinds`: thresholds that fell due before the stop are emitted
   * first (once: the row is locked, and the sweeper skips locked rows); a clock that had
   * breached keeps its BREACHED state and its breach is resolved (`sla.resolved`).
   */
  private async stop(
    tx: EntityManager,
    caseId: string,
    kinds: readonly SlaKind[],
    outcome: StopOutcome,
    at: Date,
    ticketId?: string,
  ): Promise<NewEvent[]> {
    const rows = await lockOpenClocks(tx, caseId, kinds, ticketId);
    if (!rows.length) return [];
    const now = this.deps.clock.now();
    const cutoff = at.getTime() < now.getTime() ? at : now;
    const events: NewEvent[] = [];
    for (const row of rows) {
      events.push(...fireDueThresholds(row, cutoff, now));
      row.stoppedAt = at;
      if (row.state === 'BREACHED') {
        events.push(slaEvent(row, EVENT_TYPES.slaResolved, 100, at, now));
      } else {
        row.state = outcome;
        row.nextThreshold = null;
        row.nextFireAt = null;
      }
    }
    await saveClocks(tx, rows, now);
    return events;
  }

  /**
   * The calendar changed (a notice loaded, a closure added or removed): every running
   * working-day clock whose span touches one of the years is rescheduled with the new
   * calendar; its next firing instant moves with it, and each clock whose due time or
   * provisional mark changed gets a `sla.deadline-changed` event. Clocks that already breached
   * keep their breach: it was emitted on the calendar of its day.
   */
  private async recompute(tx: EntityManager, event: EventOf<typeof EVENT_TYPES.calendarChanged>): Promise<NewEvent[]> {
    const { years, reason } = event.payload;
    const calendar = await this.deps.calendar.reload(tx);
    if (this.calendarSeen === null || BigInt(event.id) > BigInt(this.calendarSeen)) this.calendarSeen = event.id;
    const valid = years.filter((y) => Number.isInteger(y));
    if (!valid.length) return [];
    const first = Math.min(...valid);
    const last = Math.max(...valid);
    const rows: ClockRow[] = await tx.query(
      `SELECT ${CLOCK_COLUMNS} FROM cs.sla_clock
       WHERE state = 'RUNNING' AND basis = 'WORKING_DAYS' AND started_at < $2 AND due_at > $1
       ORDER BY id
       FOR UPDATE`,
      [shanghaiDayStart(`${first}-01-01`), shanghaiDayEnd(`${last}-12-31`)],
    );
    const now = this.deps.clock.now();
    const changed: ClockRow[] = [];
    const events: NewEvent<typeof EVENT_TYPES.slaDeadlineChanged>[] = [];
    for (const row of rows) {
      const span = yearsTouched(row.startedAt, row.dueAt);
      if (!valid.some((y) => y >= span.first && y <= span.last)) continue;
      const schedule = scheduleClock(
        calendar,
        row.startedAt,
        { basis: 'WORKING_DAYS', workingDays: row.targetWorkingDays! },
        row.thresholds.slice(0, -1),
        regulatoryDeadline(calendar, row),
      );
      const previousDueAt = row.dueAt;
      const previousProvisional = row.provisional;
      const moved = schedule.fireAts.some((f, i) => f.getTime() !== row.fireAts[i]?.getTime());
      if (!moved && schedule.provisional === previousProvisional) continue;
      row.dueAt = schedule.due;
      row.provisional = schedule.provisional;
      row.fireAts = schedule.fireAts;
      row.nextFireAt = schedule.fireAts[row.thresholds.indexOf(row.nextThreshold!)] ?? schedule.due;
      changed.push(row);
      if (previousDueAt.getTime() === row.dueAt.getTime() && previousProvisional === row.provisional) continue;
      events.push(
        newEvent(
          EVENT_TYPES.slaDeadlineChanged,
          row.caseId,
          {
            clockId: row.id,
            caseId: row.caseId,
            kind: row.kind,
            counterId: row.counterId,
            previousDueAt: previousDueAt.toISOString(),
            dueAt: row.dueAt.toISOString(),
            previousProvisional,
            provisional: row.provisional,
            years: valid,
            reason,
          },
          { employerId: row.employerId, counterId: row.counterId, actor: { id: event.actorId }, at: now },
        ),
      );
    }
    await saveClocks(tx, changed, now);
    return events;
  }

  /**
   * This process's calendar, reloaded first if another instance handled a `calendar.changed`
   * this process has not applied yet (the runtime's own reload may still be on its way).
   */
  private async currentCalendar(tx: EntityManager): Promise<WorkingDayCalendar> {
    if (this.calendarSeen === null) {
      const head = await this.deps.events.headId();
      await this.deps.calendar.reload(tx);
      this.calendarSeen = head;
    } else {
      const newer = await this.deps.events.readAfter(this.calendarSeen, { types: [EVENT_TYPES.calendarChanged] });
      if (newer.length) {
        await this.deps.calendar.reload(tx);
        this.calendarSeen = newer[newer.length - 1]!.id;
      }
    }
    return this.deps.calendar.calendar;
  }
}

const FACT_COLUMNS = `employer_id AS "employerId", category, work_permit_decided AS "workPermitDecided",
  residence_permit_decided AS "residencePermitDecided"`;

/** Records what an event tells of a case (known values are never overwritten by unknown ones). */
async function upsertCase(
  tx: EntityManager,
  caseId: string,
  employerId: string | null,
  category: Category | null,
): Promise<CaseFacts> {
  const rows: CaseFacts[] = await tx.query(
    `INSERT INTO cs.sla_case (case_id, employer_id, category) VALUES ($1, $2, $3)
     ON CONFLICT (case_id) DO UPDATE SET
       employer_id = coalesce(EXCLUDED.employer_id, cs.sla_case.employer_id),
       category = coalesce(EXCLUDED.category, cs.sla_case.category)
     RETURNING ${FACT_COLUMNS}`,
    [caseId, employerId, category],
  );
  return rows[0]!;
}

/** The regulatory due time of a working-day clock, by the same functions work-permit uses. */
function regulatoryDeadline(calendar: WorkingDayCalendar, row: ClockRow): Deadline {
  const category = asCategory(row.category);
  if (row.kind === 'PRE_EXAMINATION' && category) return preExamDue(calendar, row.startedAt, category);
  if (row.kind === 'ISSUANCE') return issuanceDue(calendar, row.startedAt);
  return calendar.addWorkingDays(row.startedAt, row.targetWorkingDays!);
}

function asCategory(value: unknown): Category | null {
  return (CATEGORIES as readonly unknown[]).includes(value) ? (value as Category) : null;
}
