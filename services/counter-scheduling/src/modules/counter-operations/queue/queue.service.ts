import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  BadUserInputError,
  ConflictError,
  InvalidTransitionError,
  InvariantError,
  NotFoundError,
  assertCan,
  lastCaseEvent,
  shanghaiDate,
  type Actor,
  type CommandPipeline,
  type CommandSpec,
  type SubgraphRuntime,
  isUuid,
} from '@onestop/common';
import { EVENT_TYPES, type NewEvent, type TicketPayload, type TypedEvent } from '@onestop/common/contract';
import { acceptedReceipt, withdrawalProblems } from '../acceptance/acceptance.service.js';
import type { AppointmentService } from '../appointment/appointment.service.js';
import { describeSlot } from '../shared/appointment-status.js';
import { AppointmentEntity } from '../appointment/appointment.entity.js';
import type { CounterService } from '../counter/counter.service.js';
import {
  closingTime,
  daySchedule,
  formatHhmm,
  isOpenAt,
  type HoursException,
  type OpeningHours,
} from '../counter/opening-hours.js';
import type { CaseReadinessEntity } from '../readiness/case-readiness.entity.js';
import type { CaseReadinessStore } from '../readiness/case-readiness.store.js';
import { loadChanged, newEvent, emitAll } from '../../../shared/events.js';
import { checkText } from '../shared/input.js';
import { formatTicketNumber, nextNumber } from '../shared/numbering.js';
import { clerkKey, gatedCaseTarget, windowTarget } from '../shared/clerk-commands.js';
import type { CounterWindowService } from '../window/counter-window.service.js';
import { TicketEntity, type TicketStatus } from './ticket.entity.js';

/** What checking a case in would do now: a walk-in or appointment ticket, or the refusal with its reason. */
export interface CheckInPreviewValue {
  caseId: string;
  outcome: 'WALK_IN' | 'APPOINTMENT' | 'REFUSED';
  /** Stable reason of a refusal (`NO_APPOINTMENT_TODAY`, `CASE_WITHDRAWN`, `PRE_EXAM_NOT_PASSED`, `COUNTER_CLOSED`, `ALREADY_CHECKED_IN`, `CLAIMED`, `NOT_FOUND`). */
  reason: string | null;
  /** The API's sentence for a refusal. */
  message: string | null;
  category: string | null;
  appointmentLetterNumber: string | null;
  appointmentSlotStart: Date | null;
}

/** Arguments of `checkIn` (a dry run is the preview: no key, nothing written). */
interface CheckInInput {
  counterId: string;
  caseId: string;
  idempotencyKey?: string | null;
  dryRun: boolean;
}

/** Arguments of `callNext`: a window of a counter. */
interface WindowInput {
  counterId: string;
  window: number;
  idempotencyKey?: string | null;
}

/** The events the steps of a ticket at a window append (and their commands' names). */
type MoveEvent = (typeof EVENT_TYPES)['serviceStarted' | 'serviceCompleted' | 'ticketMissed' | 'ticketRecalled'];

/** Arguments of a step of a ticket (the clerk too: the scope is the ticket's counter). */
interface MoveInput {
  actor: Actor;
  ticketId: string;
  from: TicketStatus;
  to: TicketStatus;
  column: 'started_at' | 'completed_at' | 'recalled_at';
  idempotencyKey?: string | null;
}

/** Thrown inside a dry-run check-in to end its transaction with nothing written. */
class DryRun extends Error {
  constructor(readonly preview: CheckInPreviewValue) {
    super('dry run');
  }
}

/** The queue at a counter: check-in (tickets), calling to a window, service. */
export class QueueService {
  constructor(
    private readonly rt: Pick<SubgraphRuntime, 'ds' | 'clock' | 'calendar'>,
    private readonly commands: CommandPipeline,
    private readonly cases: CaseReadinessStore,
    private readonly counters: CounterService,
    private readonly appointments: AppointmentService,
    private readonly windows: CounterWindowService,
  ) {}

  /** Tickets (visits) of each case, oldest first, scoped to the actor's employers. */
  async visitsByCase(actor: Actor, caseIds: readonly string[]): Promise<Map<string, TicketEntity[]>> {
    const out = new Map<string, TicketEntity[]>(caseIds.map((id) => [id, []]));
    if (!caseIds.length) return out;
    const qb = this.rt.ds
      .getRepository(TicketEntity)
      .createQueryBuilder('t')
      .where('t.case_id = ANY(:ids)', { ids: [...caseIds] })
      .orderBy('t.issued_at', 'ASC');
    if (actor.role === 'AGENCY') {
      qb.andWhere('t.case_id IN (SELECT r.case_id FROM cs.case_readiness r WHERE r.employer_id = ANY(:employers))', {
        employers: [...actor.employerIds],
      });
    }
    for (const t of await qb.getMany()) out.get(t.caseId)?.push(t);
    return out;
  }

  /**
   * The counter's unfinished tickets, in queue order: today's (waiting, called, being served),
   * preceded by any ticket of an earlier day still at a window. The closing sweep leaves none
   * of those; should it have been missed (the service down at closing, a sweep still catching
   * up), the clerk sees the ticket and can complete it rather than it hiding at its window.
   */
  async openTickets(counterId: string): Promise<TicketEntity[]> {
    const today = shanghaiDate(this.rt.clock.now());
    return this.rt.ds
      .getRepository(TicketEntity)
      .createQueryBuilder('t')
      .where(`t.counter_id = :counterId AND t.status IN ('WAITING', 'CALLED', 'SERVING')`, { counterId })
      .andWhere(`(t.service_date = :today OR (t.service_date < :today AND t.status IN ('CALLED', 'SERVING')))`, {
        today,
      })
      .orderBy('t.service_date', 'ASC')
      .addOrderBy('t.seq', 'ASC')
      .getMany();
  }

  /**
   * Checks a case in at the clerk's counter and issues a ticket. Category A walks in; B and C
   * need an appointment at this counter today and are turned away with the reason otherwise.
   *
   * A withdrawn case is refused (`reason: CASE_WITHDRAWN`), even before the projection has read
   * `case.withdrawn`: check-in takes the case's gate and reads the log, as acceptance does
   * (decision 0006). So a ticket is never issued after a withdrawal: one issued before it is in
   * the log ahead of `case.withdrawn`, and the readiness consumer takes it out of the queue.
   */
  async checkIn(
    actor: Actor,
    counterId: string,
    caseId: string,
    key?: string | null,
    dryRun = false,
  ): Promise<TicketEntity> {
    const problems: string[] = [];
    checkText(problems, 'caseId', caseId, 100);
    if (problems.length) throw new BadUserInputError('The check-in is not valid', problems);
    return this.commands.run(actor, this.checkInSpec, {
      counterId,
      caseId,
      idempotencyKey: dryRun ? null : key,
      dryRun,
    });
  }

  /** `checkIn`: the case is the target (its gate first); the clerk's key replays. */
  private readonly checkInSpec: CommandSpec<CheckInInput, CaseReadinessEntity, TicketEntity> = {
    name: 'checkIn',
    action: 'queue.operate',
    ...gatedCaseTarget<CheckInInput, CaseReadinessEntity>((tx, caseId) => this.cases.load(tx, caseId)),
    idempotency: clerkKey(
      ({ counterId, caseId }) => ({ counterId, caseId }),
      (t) => t.id,
      (tx, id) => this.reread(tx, id),
    ),
    execute: async (cx, kase, { counterId, caseId, dryRun }) => {
      const { tx, now } = cx;
      const today = shanghaiDate(now);
      const withdrawn = await this.withdrawal(tx, caseId, kase.withdrawn);
      if (withdrawn) {
        throw new InvalidTransitionError(`Case ${caseId} cannot be checked in: ${withdrawn}.`, {
          reason: 'CASE_WITHDRAWN',
        });
      }
      if (!kase.preExamPassed) {
        throw new InvalidTransitionError(
          `Case ${caseId} has not passed pre-examination: it cannot be checked in yet.`,
          { reason: 'PRE_EXAM_NOT_PASSED' },
        );
      }
      const claimed: unknown[] = await tx.query('SELECT 1 FROM cs.claim WHERE case_id = $1', [caseId]);
      if (claimed.length) {
        throw new InvalidTransitionError(`Case ${caseId} is closed: its permits were claimed.`, { reason: 'CLAIMED' });
      }
      const counter = await this.counters.get(counterId, tx);
      const schedule = await this.counters.scheduleAt(counter, now, tx);
      if (!isOpenAt(schedule, now)) {
        const hours = schedule.intervals.map((i) => `${formatHhmm(i.opens)}–${formatHhmm(i.closes)}`).join(', ');
        throw new InvalidTransitionError(
          `Counter ${counterId} is closed now (${schedule.intervals.length ? `open today ${hours}` : schedule.reason}).`,
          { reason: 'COUNTER_CLOSED' },
        );
      }
      const open = await tx.getRepository(TicketEntity).findOne({
        where: [
          { caseId, status: 'WAITING' },
          { caseId, status: 'CALLED' },
          { caseId, status: 'SERVING' },
        ],
      });
      if (open) {
        throw new ConflictError(
          `Case ${caseId} is already checked in: ticket ${open.ticketNumber} at ${open.counterId} is ${open.status}.`,
          { ticketId: open.id, reason: 'ALREADY_CHECKED_IN' },
        );
      }
      const appointment = await this.appointments.lockBookedOn(tx, caseId, counterId, today);
      if (!appointment && kase.category !== 'A') await this.turnAway(tx, caseId, counterId, kase.category);
      if (dryRun) {
        // Nothing was written: every check above only read (and locked) rows.
        throw new DryRun({
          caseId,
          outcome: appointment ? 'APPOINTMENT' : 'WALK_IN',
          reason: null,
          message: null,
          category: kase.category,
          appointmentLetterNumber: appointment?.letterNumber ?? null,
          appointmentSlotStart: appointment?.slotStart ?? null,
        });
      }
      if (appointment) {
        await tx.query(`UPDATE cs.appointment SET status = 'CHECKED_IN', checked_in_at = $2 WHERE id = $1`, [
          appointment.id,
          now,
        ]);
      }
      const seq = await nextNumber(tx, `TICKET:${counterId}`, Number(today.replace(/-/g, '')));
      const ticket: TicketEntity = {
        id: randomUUID(),
        counterId,
        serviceDate: today,
        seq,
        ticketNumber: formatTicketNumber(appointment !== null, seq),
        caseId,
        employerId: kase.employerId,
        category: kase.category ?? 'C',
        appointmentId: appointment?.id ?? null,
        appointmentSlotStart: appointment?.slotStart ?? null,
        status: 'WAITING',
        window: null,
        issuedAt: now,
        calledAt: null,
        startedAt: null,
        completedAt: null,
        issuedBy: cx.actor!.id,
        recalledAt: null,
        recalls: 0,
      };
      await tx.getRepository(TicketEntity).insert(ticket);
      cx.emit(EVENT_TYPES.ticketIssued, ticketPayload(ticket, now));
      emitAll(cx, loadChanged([counterId], EVENT_TYPES.ticketIssued, now, cx.actor));
      return ticket;
    },
  };

  /**
   * What `checkIn` would do now, said before it happens: the same checks in a transaction that
   * ends before anything is written. Category A walks in; B and C need today's appointment here.
   */
  async previewCheckIn(actor: Actor, counterId: string, caseId: string): Promise<CheckInPreviewValue> {
    try {
      await this.checkIn(actor, counterId, caseId, null, true);
    } catch (err) {
      if (err instanceof DryRun) return err.preview;
      const e = err as { extensions?: { code?: string; reason?: string }; message?: string };
      const code = e.extensions?.code;
      if (code === 'INVALID_TRANSITION' || code === 'CONFLICT' || code === 'NOT_FOUND') {
        const category = (await this.cases.findByIds([caseId])).get(caseId)?.category ?? null;
        return {
          caseId,
          outcome: 'REFUSED',
          reason: e.extensions?.reason ?? code,
          message: e.message ?? null,
          category,
          appointmentLetterNumber: null,
          appointmentSlotStart: null,
        };
      }
      throw err;
    }
    throw new InvariantError('a dry-run check-in always ends in DryRun or a refusal');
  }

  /** The ticket a replayed request answered (null when it answered null). */
  private async reread(tx: EntityManager, ticketId: string | null): Promise<TicketEntity> {
    return (await tx.getRepository(TicketEntity).findOne({ where: { id: ticketId ?? '' } }))!;
  }

  /**
   * Calls the next applicant to `window`: applicants whose appointment slot has started come
   * first, then everyone by ticket order. FOR UPDATE SKIP LOCKED: clerks calling at the same
   * moment never get the same ticket. Returns null when nobody is waiting. A ticket called to
   * this window earlier today whose applicant never came is marked MISSED. Only today's tickets
   * occupy the window: one an earlier day left at it (the closing sweep closes those) never
   * blocks it, and stays in `counterQueue` for the clerk to complete.
   */
  async callNext(actor: Actor, counterId: string, window: number, key?: string | null): Promise<TicketEntity | null> {
    const counter = await this.counters.get(counterId);
    if (!Number.isInteger(window) || window < 1 || window > counter.windows) {
      throw new BadUserInputError('The window is not valid', [
        `window must be from 1 to ${counter.windows} at counter ${counterId}, got ${window}`,
      ]);
    }
    return this.commands.run(actor, this.callNextSpec, { counterId, window, idempotencyKey: key });
  }

  /** `callNext`: the window is the target (one caller per window at a time; different windows in parallel). */
  private readonly callNextSpec: CommandSpec<WindowInput, WindowInput, TicketEntity | null> = {
    name: 'callNext',
    action: 'queue.operate',
    ...windowTarget<WindowInput>(),
    idempotency: clerkKey(
      ({ counterId, window }) => ({ counterId, window }),
      (t) => t?.id ?? null,
      async (tx, id) => (id ? this.reread(tx, id) : null),
    ),
    execute: async (cx, { counterId, window }) => {
      const { tx, now } = cx;
      const actor = cx.actor!;
      const today = shanghaiDate(now);
      const atWindow = await tx
        .getRepository(TicketEntity)
        .createQueryBuilder('t')
        .setLock('pessimistic_write')
        .where(
          `t.counter_id = :counterId AND t.service_date = :today AND t.window_number = :window AND t.status IN ('CALLED', 'SERVING')`,
          { counterId, today, window },
        )
        .getMany();
      const serving = atWindow.find((t) => t.status === 'SERVING');
      if (serving) {
        throw new ConflictError(
          `Window ${window} is serving ticket ${serving.ticketNumber}: complete it before calling the next one.`,
          { ticketId: serving.id },
        );
      }
      const events = await this.windows.openOnCall(tx, actor, counterId, window, now);
      events.push(
        ...(await finishTickets(
          tx,
          atWindow.map((ticket) => ({ ticket, to: 'MISSED' as const, at: now })),
          actor,
          now,
        )),
      );
      const rows: { id: string }[] = await tx.query(
        `SELECT id FROM cs.ticket
         WHERE counter_id = $1 AND service_date = $2 AND status = 'WAITING'
         ORDER BY (appointment_slot_start IS NOT NULL AND appointment_slot_start <= $3) DESC, seq ASC
         LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [counterId, today, now],
      );
      let called: TicketEntity | null = null;
      if (rows.length) {
        await tx.query(`UPDATE cs.ticket SET status = 'CALLED', window_number = $2, called_at = $3 WHERE id = $1`, [
          rows[0]!.id,
          window,
          now,
        ]);
        called = (await tx.getRepository(TicketEntity).findOne({ where: { id: rows[0]!.id } }))!;
        events.push(
          newEvent(EVENT_TYPES.ticketCalled, called.caseId, ticketPayload(called, now), {
            employerId: called.employerId,
            counterId,
            actor,
            at: now,
          }),
        );
      }
      if (events.length)
        emitAll(cx, [...events, ...loadChanged([counterId], events[events.length - 1]!.type, now, actor)]);
      return called;
    },
  };

  /**
   * Closes each counter's day once it has closed (the end of its last opening interval that
   * day, by its hours, exceptions and the calendar, on the injected clock), so no ticket and no
   * window carries state into the next day:
   * - WAITING → UNSERVED (`queue.ticket-unserved`): the load stops counting the ticket as
   *   waiting and its counter-wait clock is cancelled;
   * - CALLED → MISSED (`queue.ticket-missed`): called, never came to the window, the same as
   *   when the window calls the next one;
   * - SERVING → DONE (`queue.service-completed`): the service ended with the day.
   * Called and served tickets carry `closedAtEndOfDay: true`; each closes at the closing time
   * (never before its last step, never after now). Days whose closing passed while no sweep ran
   * (the service was down) are caught up on the next pass, oldest first. Several instances may
   * sweep at once: SKIP LOCKED hands each ticket to one of them, and a clerk acting on the same
   * ticket at that moment either gets it first or skips it (a status guard backs the lock).
   * Returns how many tickets it closed.
   */
  async sweepClosing(limit = 200): Promise<number> {
    const now = this.rt.clock.now();
    const closed = await this.closedQueues(now);
    if (!closed.length) return 0;
    const closedAt = new Map(closed.map((q) => [`${q.counterId}|${q.date}`, q.closedAt]));
    return this.rt.ds.transaction((tx) =>
      this.commands.runIn(tx, { kind: 'system', name: 'counter-sweeper' }, this.closingSpec, {
        closed,
        closedAt,
        limit,
        now,
      }),
    );
  }

  /** The closing sweep as a command of the system: its target is the batch of unfinished tickets of closed days, locked. */
  private readonly closingSpec: CommandSpec<
    {
      closed: { counterId: string; date: string }[];
      closedAt: Map<string, Date>;
      limit: number;
      now: Date;
    },
    TicketEntity[],
    number
  > = {
    name: 'closeCounterDays',
    action: 'queue.operate',
    load: (tx, { closed, limit }) =>
      tx
        .getRepository(TicketEntity)
        .createQueryBuilder('t')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .where(`t.status IN ('WAITING', 'CALLED', 'SERVING')`)
        .andWhere(
          '(t.counter_id, t.service_date) IN (SELECT g.counter_id, g.service_date FROM unnest(CAST(:counters AS text[]), CAST(:dates AS date[])) AS g(counter_id, service_date))',
          { counters: closed.map((q) => q.counterId), dates: closed.map((q) => q.date) },
        )
        .orderBy('t.service_date', 'ASC')
        .addOrderBy('t.seq', 'ASC')
        .limit(limit)
        .getMany(),
    resource: () => ({}),
    notFound: () => new InvariantError('the closing sweep always has a batch, if empty'),
    subject: () => ({ aggregateId: 'closing', employerId: null }),
    execute: async (cx, due, { closedAt, now }) => {
      if (!due.length) return 0;
      const closings = due.map((ticket) => {
        const closes = closedAt.get(`${ticket.counterId}|${ticket.serviceDate}`)!;
        const { to, since } = CLOSING[ticket.status as keyof typeof CLOSING];
        // Never before the ticket's last step (a day closed after the fact by an exception), never after now.
        const last = (ticket[since] ?? ticket.issuedAt).getTime();
        const at = new Date(Math.min(Math.max(closes.getTime(), last), now.getTime()));
        return { ticket, to, at, closedAtEndOfDay: to !== 'UNSERVED' };
      });
      const events = await finishTickets(cx.tx, closings, null, now);
      const cause = new Map(closings.map((c, i) => [c.ticket.counterId, events[i]!.type]));
      emitAll(cx, [...events, ...[...cause].flatMap(([counterId, type]) => loadChanged([counterId], type, now, null))]);
      return due.length;
    },
  };

  /**
   * The (counter, day) queues that still have unfinished tickets and whose counter has closed
   * for that day, with the closing time: one statement through the partial index of
   * unfinished tickets, the schedules computed here.
   */
  private async closedQueues(now: Date): Promise<{ counterId: string; date: string; closedAt: Date }[]> {
    const rows: {
      counter_id: string;
      service_date: string;
      opening_hours: OpeningHours[];
      ex_closed: boolean | null;
      ex_opens: string | null;
      ex_closes: string | null;
      ex_reason: string | null;
    }[] = await this.rt.ds.query(
      `SELECT w.counter_id, w.service_date::text AS service_date, c.opening_hours,
         e.closed AS ex_closed, e.opens AS ex_opens, e.closes AS ex_closes, e.reason AS ex_reason
       FROM (SELECT DISTINCT counter_id, service_date FROM cs.ticket WHERE status IN ('WAITING', 'CALLED', 'SERVING') AND service_date <= $1) w
       JOIN cs.service_counter c ON c.id = w.counter_id
       LEFT JOIN cs.counter_hours_exception e ON e.counter_id = w.counter_id AND e.date = w.service_date`,
      [shanghaiDate(now)],
    );
    const calendar = this.rt.calendar.calendar;
    const out: { counterId: string; date: string; closedAt: Date }[] = [];
    for (const r of rows) {
      const exception: HoursException | undefined =
        r.ex_closed === null
          ? undefined
          : {
              date: r.service_date,
              closed: r.ex_closed,
              opens: r.ex_opens,
              closes: r.ex_closes,
              reason: r.ex_reason ?? '',
            };
      const closedAt = closingTime(daySchedule(r.opening_hours, exception, calendar, r.service_date));
      if (closedAt.getTime() <= now.getTime()) out.push({ counterId: r.counter_id, date: r.service_date, closedAt });
    }
    return out;
  }

  /** The applicant called to a window is being served. */
  async startService(actor: Actor, ticketId: string, key?: string | null): Promise<TicketEntity> {
    return this.move(actor, ticketId, 'CALLED', 'SERVING', 'started_at', EVENT_TYPES.serviceStarted, key);
  }

  /** Service at the window is finished. */
  async completeService(actor: Actor, ticketId: string, key?: string | null): Promise<TicketEntity> {
    return this.move(actor, ticketId, 'SERVING', 'DONE', 'completed_at', EVENT_TYPES.serviceCompleted, key);
  }

  /** The called applicant did not come to the window (no-show): CALLED → MISSED, the window is free. */
  async markMissed(actor: Actor, ticketId: string, key?: string | null): Promise<TicketEntity> {
    return this.move(actor, ticketId, 'CALLED', 'MISSED', 'completed_at', EVENT_TYPES.ticketMissed, key);
  }

  /** Announces a called ticket again (the hall display shows it on top); it stays CALLED. */
  async recall(actor: Actor, ticketId: string, key?: string | null): Promise<TicketEntity> {
    return this.move(actor, ticketId, 'CALLED', 'CALLED', 'recalled_at', EVENT_TYPES.ticketRecalled, key);
  }

  private async move(
    actor: Actor,
    ticketId: string,
    from: TicketStatus,
    to: TicketStatus,
    column: 'started_at' | 'completed_at' | 'recalled_at',
    eventType: (typeof EVENT_TYPES)['serviceStarted' | 'serviceCompleted' | 'ticketMissed' | 'ticketRecalled'],
    key?: string | null,
  ): Promise<TicketEntity> {
    return this.commands.run(actor, this.moveSpecs[eventType], {
      actor,
      ticketId,
      from,
      to,
      column,
      idempotencyKey: key,
    });
  }

  /**
   * The steps of a ticket at a window, one command each, named (in the ledger, as before it) by
   * the event they append. The scope is the ticket's counter, checked by the rules: FORBIDDEN for
   * a clerk of another counter, after the ledger's replay, as before.
   */
  private readonly moveSpecs = Object.fromEntries(
    (
      [
        EVENT_TYPES.serviceStarted,
        EVENT_TYPES.serviceCompleted,
        EVENT_TYPES.ticketMissed,
        EVENT_TYPES.ticketRecalled,
      ] as const
    ).map((eventType): [MoveEvent, CommandSpec<MoveInput, TicketEntity, TicketEntity>] => [
      eventType,
      {
        name: eventType,
        action: 'queue.operate',
        load: async (tx, { ticketId }) =>
          isUuid(ticketId)
            ? tx
                .getRepository(TicketEntity)
                .createQueryBuilder('t')
                .setLock('pessimistic_write')
                .where('t.id = :ticketId', { ticketId })
                .getOne()
            : null,
        resource: () => ({}),
        notFound: ({ ticketId }) => new NotFoundError('Ticket', ticketId),
        subject: (t) => ({ aggregateId: t.caseId, employerId: t.employerId, counterId: t.counterId }),
        idempotency: clerkKey<MoveInput, TicketEntity>(
          ({ ticketId }) => ({ ticketId }),
          (t) => t.id,
          (tx, id) => this.reread(tx, id),
        ),
        rules: (ticket, { actor, from }) => {
          assertCan(actor, 'queue.operate', { counterId: ticket.counterId });
          if (ticket.status !== from) {
            throw new InvalidTransitionError(
              `Ticket ${ticket.ticketNumber} is ${ticket.status}; it must be ${from} for this step.`,
            );
          }
        },
        execute: async (cx, ticket, { to, column }) => {
          const recalls = column === 'recalled_at' ? ', recalls = recalls + 1' : '';
          await cx.tx.query(`UPDATE cs.ticket SET status = $2, ${column} = $3${recalls} WHERE id = $1`, [
            ticket.id,
            to,
            cx.now,
          ]);
          const moved = (await cx.tx.getRepository(TicketEntity).findOne({ where: { id: ticket.id } }))!;
          cx.emit(eventType, ticketPayload(moved, cx.now));
          emitAll(cx, loadChanged([moved.counterId], eventType, cx.now, cx.actor));
          return moved;
        },
      },
    ]),
  ) as Record<MoveEvent, CommandSpec<MoveInput, TicketEntity, TicketEntity>>;

  /**
   * The agency's withdrawal of the case, described ("the agency withdrew the case at …"), or
   * null: from the log (committed before the caller took the case's gate) or the projection.
   * A withdrawal the log holds for a case whose documents were accepted here (recorded before
   * the gate existed) does not count: acceptance wins (decision 0006).
   */
  private async withdrawal(tx: EntityManager, caseId: string, projected: boolean): Promise<string | null> {
    const logged = await lastCaseEvent(tx, caseId, [EVENT_TYPES.caseWithdrawn]);
    const counts = logged !== null && (await acceptedReceipt(tx, caseId)) === null;
    return withdrawalProblems(counts ? logged : null, projected)[0] ?? null;
  }

  /**
   * On `case.withdrawn` (the readiness consumer's transaction, holding the case's row): the
   * case's tickets still WAITING leave the queue as WITHDRAWN, so no window calls them and the
   * live load stops counting them. A ticket already called to a window or being served stays:
   * the applicant is there, the clerk completes the visit, and acceptance is refused (decision
   * 0006). `completedAt` and the payload's `at` are the withdrawal (never before the check-in,
   * never after now). Locks the tickets and returns their events (`queue.ticket-withdrawn`,
   * `counter.load-changed`) for the caller to append last, once it holds every row it locks
   * (lock order: case → ticket → appointment → event log). A redelivered withdrawal finds no
   * waiting ticket: each ticket's event is appended once.
   */
  async withdrawWaiting(
    tx: EntityManager,
    caseId: string,
    withdrawal: TypedEvent<typeof EVENT_TYPES.caseWithdrawn>,
  ): Promise<NewEvent[]> {
    // Blocks on a ticket a window is calling this moment, then skips it once it is CALLED.
    const waiting = await tx
      .getRepository(TicketEntity)
      .createQueryBuilder('t')
      .setLock('pessimistic_write')
      .where(`t.case_id = :caseId AND t.status = 'WAITING'`, { caseId })
      .orderBy('t.issued_at', 'ASC')
      .getMany();
    if (!waiting.length) return [];
    const now = this.rt.clock.now();
    const at = withdrawal.payload.withdrawnAt.getTime();
    const events = await finishTickets(
      tx,
      waiting.map((ticket) => ({
        ticket,
        to: 'WITHDRAWN' as const,
        at: new Date(Math.min(Math.max(at, ticket.issuedAt.getTime()), now.getTime())),
        withdrawalEventId: withdrawal.id,
      })),
      null,
      now,
    );
    return [
      ...events,
      ...loadChanged(
        waiting.map((t) => t.counterId),
        EVENT_TYPES.ticketWithdrawn,
        now,
        null,
      ),
    ];
  }

  /** B/C without an appointment here today: the reason names what the case does have. */
  private async turnAway(
    tx: EntityManager,
    caseId: string,
    counterId: string,
    category: string | null,
  ): Promise<never> {
    const booked = await tx.getRepository(AppointmentEntity).findOne({ where: { caseId, status: 'BOOKED' } });
    const cat = category ?? 'B/C';
    const why = booked
      ? `its appointment ${booked.letterNumber} is at ${booked.counterId} on ${describeSlot(booked.slotStart)}`
      : 'it has no booked appointment';
    throw new InvalidTransitionError(
      `Turned away: a Category ${cat} applicant needs an appointment at ${counterId} today, and ${why}. Book (or reschedule) an appointment for this counter.`,
      { reason: 'NO_APPOINTMENT_TODAY' },
    );
  }
}

/** What the closing sweep makes of an unfinished ticket, and the step its closing may not precede. */
const CLOSING = {
  WAITING: { to: 'UNSERVED', since: 'issuedAt' },
  CALLED: { to: 'MISSED', since: 'calledAt' },
  SERVING: { to: 'DONE', since: 'startedAt' },
} as const satisfies Record<string, { to: TicketStatus; since: 'issuedAt' | 'calledAt' | 'startedAt' }>;

/** The event each way of finishing a ticket appends. */
const FINISHED_EVENT = {
  MISSED: EVENT_TYPES.ticketMissed,
  DONE: EVENT_TYPES.serviceCompleted,
  UNSERVED: EVENT_TYPES.ticketUnserved,
  WITHDRAWN: EVENT_TYPES.ticketWithdrawn,
} as const;

interface Finish {
  ticket: TicketEntity;
  to: keyof typeof FINISHED_EVENT;
  at: Date;
  closedAtEndOfDay?: boolean;
  /** WITHDRAWN: the `case.withdrawn` event that took the ticket out of the queue. */
  withdrawalEventId?: string;
}

/**
 * Finishes tickets the caller holds locked, in one statement (guarded by their current
 * status), and returns their events in the same order, for the caller to append.
 */
async function finishTickets(
  tx: EntityManager,
  finishes: readonly Finish[],
  actor: Actor | null,
  now: Date,
): Promise<NewEvent[]> {
  if (!finishes.length) return [];
  await tx.query(
    `UPDATE cs.ticket t SET status = u.status, completed_at = u.at
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS u(id, was, status, at)
     WHERE t.id = u.id AND t.status = u.was`,
    [
      finishes.map((f) => f.ticket.id),
      finishes.map((f) => f.ticket.status),
      finishes.map((f) => f.to),
      finishes.map((f) => f.at),
    ],
  );
  return finishes.map(({ ticket, to, at, closedAtEndOfDay, withdrawalEventId }) =>
    newEvent(
      FINISHED_EVENT[to],
      ticket.caseId,
      {
        ...ticketPayload(ticket, at),
        ...(closedAtEndOfDay ? { closedAtEndOfDay: true } : {}),
        ...(withdrawalEventId ? { withdrawalEventId } : {}),
      },
      { employerId: ticket.employerId, counterId: ticket.counterId, actor, at: now },
    ),
  );
}

function ticketPayload(t: TicketEntity, at: Date): TicketPayload {
  return {
    ticketId: t.id,
    ticketNumber: t.ticketNumber,
    caseId: t.caseId,
    counterId: t.counterId,
    ...(t.window != null ? { window: t.window } : {}),
    at: at.toISOString(),
  };
}
