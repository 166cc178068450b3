import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  BadUserInputError,
  ConflictError,
  InvalidTransitionError,
  InvariantError,
  isUniqueViolation,
  NotFoundError,
  keyReusedError,
  shanghaiDate,
  type CommandPipeline,
  type CommandSpec,
  type Actor,
  type SubgraphRuntime,
  isUuid,
  idempotencyKeyProblems,
  leanColumns,
  leanPick,
  leanRows,
  leanStatement,
  leanTable,
} from '@onestop/common';
import { EVENT_TYPES, type AppointmentPayload, type NewEvent } from '@onestop/common/contract';
import type { CounterService } from '../counter/counter.service.js';
import { slotsOfDay, type Slot } from '../counter/opening-hours.js';
import { ServiceCounterEntity } from '../counter/counter.entity.js';
import type { CaseReadinessEntity } from '../readiness/case-readiness.entity.js';
import type { CaseReadinessStore } from '../readiness/case-readiness.store.js';
import { loadChanged, newEvent, emitAll } from '../../../shared/events.js';
import { checkInstant, checkText } from '../shared/input.js';
import { formatLetterNumber, nextNumber, shanghaiYear } from '../shared/numbering.js';
import { describeSlot, SLOT_HOLDING_STATUSES } from '../shared/appointment-status.js';
import { AppointmentEntity } from './appointment.entity.js';

/** Arguments of `bookAppointment`. */
export interface BookingRequest {
  caseId: string;
  counterId: string;
  slotStart: Date;
  idempotencyKey: string;
}

/** Who runs the time-driven sweeps. */
const SWEEPER = { kind: 'system', name: 'counter-sweeper' } as const;

/** Property prefix of the counter read beside each appointment (`latestByCase`). */
const COUNTER = 'counter.';

/** Booking, cancelling and rescheduling appointments; recording no-shows. */
export class AppointmentService {
  constructor(
    private readonly rt: Pick<SubgraphRuntime, 'ds' | 'clock'>,
    private readonly commands: CommandPipeline,
    private readonly cases: CaseReadinessStore,
    private readonly counters: CounterService,
  ) {}

  /** Appointments by id, dropping those outside the actor's employers. */
  async findByIds(actor: Actor, ids: readonly string[]): Promise<Map<string, AppointmentEntity>> {
    const valid = ids.filter(isUuid);
    if (!valid.length) return new Map();
    const qb = this.rt.ds
      .getRepository(AppointmentEntity)
      .createQueryBuilder('a')
      .where('a.id = ANY(:ids)', { ids: valid });
    if (actor.role === 'AGENCY') qb.andWhere('a.employer_id = ANY(:employers)', { employers: [...actor.employerIds] });
    const rows = await qb.getMany();
    return new Map(rows.map((r) => [r.id, r]));
  }

  /**
   * The latest appointment of each case (the active one when there is one), scoped to the
   * actor, with each one's counter read in the same statement (`counters`, for the request's
   * counter loader): the `Case.appointment { counter }` path, one prepared statement read as
   * plain rows.
   */
  async latestByCase(
    actor: Actor,
    caseIds: readonly string[],
  ): Promise<{ byCase: Map<string, AppointmentEntity>; counters: Map<string, ServiceCounterEntity> }> {
    const byCase = new Map<string, AppointmentEntity>();
    const counters = new Map<string, ServiceCounterEntity>();
    if (!caseIds.length) return { byCase, counters };
    const { ds } = this.rt;
    const statement = leanStatement(
      ds,
      'appointment.by-case',
      () =>
        `SELECT ${leanColumns(ds, AppointmentEntity, 'a')}, ${leanColumns(ds, ServiceCounterEntity, 'c', COUNTER)}
         FROM ${leanTable(ds, AppointmentEntity)} a LEFT JOIN ${leanTable(ds, ServiceCounterEntity)} c ON c.id = a.counter_id
         WHERE a.case_id = ANY($1::text[]) AND ($2::text[] IS NULL OR a.employer_id = ANY($2::text[]))
         ORDER BY a.booked_at ASC`,
    );
    const employers = actor.role === 'AGENCY' ? [...actor.employerIds] : null;
    for (const row of await leanRows(ds, statement, [[...caseIds], employers])) {
      const a = leanPick<AppointmentEntity>(ds, AppointmentEntity, '', row)!;
      const counter = leanPick<ServiceCounterEntity>(ds, ServiceCounterEntity, COUNTER, row);
      if (counter) counters.set(counter.id, counter);
      const seen = byCase.get(a.caseId);
      if (!seen || seen.status !== 'BOOKED' || a.status === 'BOOKED') byCase.set(a.caseId, a);
    }
    return { byCase, counters };
  }

  /**
   * Books a place. Idempotent per agency and key (the ledger): the same key with the same
   * request returns the same appointment; with a different request it is a CONFLICT. The slot's
   * lock row serialises bookings of one slot, so the last place is taken once however many race
   * for it.
   */
  async book(actor: Actor, req: BookingRequest): Promise<AppointmentEntity> {
    const problems: string[] = [];
    checkText(problems, 'caseId', req.caseId, 100);
    checkText(problems, 'counterId', req.counterId, 100);
    checkInstant(problems, 'slotStart', req.slotStart);
    problems.push(...idempotencyKeyProblems(req.idempotencyKey));
    if (problems.length) throw new BadUserInputError('The booking is not valid', problems);
    try {
      return await this.commands.run(actor, this.bookSpec, req);
    } catch (err) {
      if (isUniqueViolation(err, 'UQ_appointment_active_case')) {
        throw new ConflictError(
          `Case ${req.caseId} already has an active appointment: cancel or reschedule it instead.`,
        );
      }
      throw err;
    }
  }

  /** Cancels a booked appointment before its slot starts; its place is free again. */
  async cancel(actor: Actor, id: string, reason: string): Promise<AppointmentEntity> {
    const problems: string[] = [];
    checkText(problems, 'reason', reason, 500);
    if (problems.length) throw new BadUserInputError('The cancellation is not valid', problems);
    return this.commands.run(actor, this.cancelSpec, { id, reason: reason.trim() });
  }

  /**
   * Moves a booked appointment to another slot of the same counter: the original becomes
   * RESCHEDULED (its place freed) and a new appointment, with its own letter number, replaces it.
   */
  async reschedule(actor: Actor, id: string, newSlotStart: Date, reason: string): Promise<AppointmentEntity> {
    const problems: string[] = [];
    checkInstant(problems, 'newSlotStart', newSlotStart);
    checkText(problems, 'reason', reason, 500);
    if (problems.length) throw new BadUserInputError('The rescheduling is not valid', problems);
    return this.commands.run(actor, this.rescheduleSpec, { id, newSlotStart, reason: reason.trim() });
  }

  /**
   * `bookAppointment`: the case is the target (locked first: every command on a case takes its
   * row, so they never deadlock), the agency the key's principal.
   */
  private readonly bookSpec: CommandSpec<BookingRequest, CaseReadinessEntity, AppointmentEntity> = {
    name: 'bookAppointment',
    action: 'appointment.book',
    load: (tx, req) => this.cases.load(tx, req.caseId),
    resource: (kase) => ({ employerId: kase.employerId }),
    notFound: (req) => new NotFoundError('Case', req.caseId),
    subject: (kase) => ({ aggregateId: kase.caseId, employerId: kase.employerId }),
    idempotency: {
      key: (req) => req.idempotencyKey,
      required: true,
      principal: (actor) => agencyOf(actor),
      request: bookingRequest,
      resultId: (a) => a.id,
      replay: async (tx, id) => (await tx.getRepository(AppointmentEntity).findOne({ where: { id: id ?? '' } }))!,
      reused: async (tx, prior, req) => {
        const earlier =
          prior.operation === 'bookAppointment' && prior.resultId
            ? await tx.getRepository(AppointmentEntity).findOne({ where: { id: prior.resultId } })
            : null;
        if (!earlier) return keyReusedError(req.idempotencyKey, prior);
        return new ConflictError(
          `The idempotency key ${JSON.stringify(req.idempotencyKey)} was already used for another booking (${earlier.letterNumber}); use a new key for a new booking.`,
          { appointmentId: earlier.id },
        );
      },
    },
    rules: (kase) => assertCanBook(kase),
    execute: async (cx, kase, req) => {
      const active = await this.activeOf(cx.tx, kase.caseId);
      if (active) {
        throw new ConflictError(
          `Case ${kase.caseId} already has appointment ${active.letterNumber} at ${active.counterId} on ${describeSlot(active.slotStart)}: cancel or reschedule it instead.`,
          { appointmentId: active.id },
        );
      }
      const counter = await this.counters.get(req.counterId, cx.tx).catch((err: unknown) => {
        if (!(err instanceof NotFoundError)) throw err;
        throw new BadUserInputError('The booking is not valid', [`counterId: there is no counter ${req.counterId}`]);
      });
      const slot = await this.validSlot(cx.tx, counter, req.slotStart, 'slotStart', cx.now);
      await this.takePlace(cx.tx, counter, slot);
      const actor = cx.actor!;
      const appointment = await this.insert(cx.tx, actor, agencyOf(actor), kase, counter, slot, cx.now, {
        replacesId: null,
        reason: null,
      });
      emitAll(cx, [
        newEvent(EVENT_TYPES.appointmentBooked, kase.caseId, payload(appointment), scope(appointment, actor, cx.now)),
        ...loadChanged([counter.id], EVENT_TYPES.appointmentBooked, cx.now, actor),
      ]);
      return appointment;
    },
  };

  private readonly cancelSpec: CommandSpec<{ id: string; reason: string }, Changing, AppointmentEntity> = {
    name: 'cancelAppointment',
    action: 'appointment.book',
    load: (tx, input) => this.lockForChange(tx, input.id),
    resource: ({ appointment }) => ({ employerId: appointment.employerId }),
    notFound: (input) => new NotFoundError('Appointment', input.id),
    subject: ({ appointment }) => ({ aggregateId: appointment.caseId, employerId: appointment.employerId }),
    rules: ({ appointment }, _input, now) => assertChangeable(appointment, now),
    execute: async (cx, { appointment }, { reason }) => {
      await cx.tx.query(
        `UPDATE cs.appointment SET status = 'CANCELLED', reason = $2, cancelled_at = $3 WHERE id = $1`,
        [appointment.id, reason, cx.now],
      );
      const cancelled = { ...appointment, status: 'CANCELLED' as const, reason, cancelledAt: cx.now };
      emitAll(cx, [
        newEvent(
          EVENT_TYPES.appointmentCancelled,
          cancelled.caseId,
          { ...payload(cancelled), reason },
          scope(cancelled, cx.actor, cx.now),
        ),
        ...loadChanged([cancelled.counterId], EVENT_TYPES.appointmentCancelled, cx.now, cx.actor),
      ]);
      return cancelled;
    },
  };

  private readonly rescheduleSpec: CommandSpec<
    { id: string; newSlotStart: Date; reason: string },
    Changing,
    AppointmentEntity
  > = {
    name: 'rescheduleAppointment',
    action: 'appointment.book',
    load: (tx, input) => this.lockForChange(tx, input.id),
    resource: ({ appointment }) => ({ employerId: appointment.employerId }),
    notFound: (input) => new NotFoundError('Appointment', input.id),
    subject: ({ appointment }) => ({ aggregateId: appointment.caseId, employerId: appointment.employerId }),
    rules: ({ appointment }, { newSlotStart }, now) => {
      assertChangeable(appointment, now);
      if (appointment.slotStart.getTime() === newSlotStart.getTime()) {
        throw new BadUserInputError('The rescheduling is not valid', [
          'newSlotStart is the slot the appointment already has',
        ]);
      }
    },
    execute: async (cx, { appointment: original, kase }, { newSlotStart, reason }) => {
      const counter = await this.counters.get(original.counterId, cx.tx);
      const slot = await this.validSlot(cx.tx, counter, newSlotStart, 'newSlotStart', cx.now);
      await this.takePlace(cx.tx, counter, slot);
      const actor = cx.actor!;
      // The original stops being active before the new one is inserted (one BOOKED appointment per case).
      await cx.tx.query(`UPDATE cs.appointment SET status = 'RESCHEDULED', cancelled_at = $2 WHERE id = $1`, [
        original.id,
        cx.now,
      ]);
      const replacement = await this.insert(cx.tx, actor, original.agencyId, kase, counter, slot, cx.now, {
        replacesId: original.id,
        reason,
      });
      await cx.tx.query(`UPDATE cs.appointment SET replaced_by_id = $2 WHERE id = $1`, [original.id, replacement.id]);
      emitAll(cx, [
        newEvent(
          EVENT_TYPES.appointmentRescheduled,
          replacement.caseId,
          { ...payload(replacement), replacesAppointmentId: original.id, reason },
          scope(replacement, actor, cx.now),
        ),
        ...loadChanged([counter.id], EVENT_TYPES.appointmentRescheduled, cx.now, actor),
      ]);
      return replacement;
    },
  };

  /**
   * Part of the withdrawal command (the readiness consumer's transaction): a withdrawn case's
   * booked appointment is cancelled. Locks it and returns the events, for the command to emit.
   */
  async cancelForWithdrawal(tx: EntityManager, caseId: string, at: Date): Promise<NewEvent[]> {
    const rows: AppointmentEntity[] = await tx
      .getRepository(AppointmentEntity)
      .createQueryBuilder('a')
      .setLock('pessimistic_write')
      .where(`a.case_id = :caseId AND a.status = 'BOOKED'`, { caseId })
      .getMany();
    if (!rows.length) return [];
    const reason = 'case withdrawn';
    await tx.query(
      `UPDATE cs.appointment SET status = 'CANCELLED', reason = $2, cancelled_at = $3 WHERE id = ANY($1)`,
      [rows.map((r) => r.id), reason, at],
    );
    return [
      ...rows.map((a) =>
        newEvent(EVENT_TYPES.appointmentCancelled, a.caseId, { ...payload(a), reason }, scope(a, null, at)),
      ),
      ...loadChanged(
        rows.map((a) => a.counterId),
        EVENT_TYPES.appointmentCancelled,
        at,
        null,
      ),
    ];
  }

  /**
   * Records a no-show for every booked appointment whose slot has ended without a check-in.
   * Several instances may sweep at once: SKIP LOCKED hands each appointment to one of them.
   * Returns how many were recorded.
   */
  async sweepNoShows(limit = 100): Promise<number> {
    const now = this.rt.clock.now();
    return this.rt.ds.transaction((tx) => this.commands.runIn(tx, SWEEPER, this.noShowSpec, { limit, now }));
  }

  /** The no-show sweep as a command of the system: its target is the batch of due appointments, locked. */
  private readonly noShowSpec: CommandSpec<{ limit: number; now: Date }, AppointmentEntity[], number> = {
    name: 'recordNoShows',
    action: 'appointment.read',
    load: (tx, { limit, now }) =>
      tx
        .getRepository(AppointmentEntity)
        .createQueryBuilder('a')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .where(`a.status = 'BOOKED' AND a.slot_end <= :now`, { now })
        .orderBy('a.slot_end', 'ASC')
        .limit(limit)
        .getMany(),
    resource: () => ({}),
    notFound: () => new InvariantError('the no-show sweep always has a batch, if empty'),
    subject: () => ({ aggregateId: 'no-shows', employerId: null }),
    execute: async (cx, due, { now }) => {
      if (!due.length) return 0;
      await cx.tx.query(`UPDATE cs.appointment SET status = 'NO_SHOW', no_show_at = $2 WHERE id = ANY($1)`, [
        due.map((a) => a.id),
        now,
      ]);
      emitAll(cx, [
        ...due.map((a) => newEvent(EVENT_TYPES.appointmentNoShow, a.caseId, payload(a), scope(a, null, now))),
        ...loadChanged(
          due.map((a) => a.counterId),
          EVENT_TYPES.appointmentNoShow,
          now,
          null,
        ),
      ]);
      return due.length;
    },
  };

  /** The booked appointment of a case at a counter on a date (YYYY-MM-DD), locked. */
  async lockBookedOn(
    tx: EntityManager,
    caseId: string,
    counterId: string,
    date: string,
  ): Promise<AppointmentEntity | null> {
    const rows = await tx
      .getRepository(AppointmentEntity)
      .createQueryBuilder('a')
      .setLock('pessimistic_write')
      .where(`a.case_id = :caseId AND a.status = 'BOOKED' AND a.counter_id = :counterId`, { caseId, counterId })
      .getMany();
    return rows.find((a) => shanghaiDate(a.slotStart) === date) ?? null;
  }

  /** An appointment by its letter number (unique), or null. */
  async byLetterNumber(letterNumber: string): Promise<AppointmentEntity | null> {
    return this.rt.ds.getRepository(AppointmentEntity).findOne({ where: { letterNumber } });
  }

  /** The case's active (BOOKED) appointment. */
  async activeOf(tx: EntityManager, caseId: string): Promise<AppointmentEntity | null> {
    return tx.getRepository(AppointmentEntity).findOne({ where: { caseId, status: 'BOOKED' } });
  }

  /**
   * The appointment a cancel or reschedule changes, with its case: the case's row first (lock
   * order: case → appointment), then the appointment's. Null when there is none.
   */
  private async lockForChange(tx: EntityManager, id: string): Promise<Changing | null> {
    if (!isUuid(id)) return null;
    const peek = await tx.getRepository(AppointmentEntity).findOne({ where: { id } });
    if (!peek) return null;
    const kase = await this.cases.load(tx, peek.caseId);
    const appointment = await tx
      .getRepository(AppointmentEntity)
      .createQueryBuilder('a')
      .setLock('pessimistic_write')
      .where('a.id = :id', { id })
      .getOne();
    return kase && appointment ? { appointment, kase } : null;
  }

  /** The slot of `counter` that starts at `start`, or BAD_USER_INPUT saying why there is none. */
  private async validSlot(
    tx: EntityManager,
    counter: ServiceCounterEntity,
    start: Date,
    field: string,
    now: Date,
  ): Promise<Slot> {
    const unbookable = this.counters.unbookableProblem(field, start);
    if (unbookable) throw new BadUserInputError('The slot is not valid', [unbookable]);
    const schedule = await this.counters.scheduleAt(counter, start, tx);
    if (!schedule.intervals.length) {
      throw new BadUserInputError('The slot is not valid', [
        `${field}: counter ${counter.id} is closed on ${schedule.date} (${schedule.reason})`,
      ]);
    }
    const slot = slotsOfDay(schedule, counter.slotMinutes).find((s) => s.start.getTime() === start.getTime());
    if (!slot) {
      throw new BadUserInputError('The slot is not valid', [
        `${field}: ${start.toISOString()} is not the start of a ${counter.slotMinutes}-minute slot of counter ${counter.id} on ${schedule.date} (see availableSlots)`,
      ]);
    }
    if (slot.start.getTime() <= now.getTime()) {
      throw new BadUserInputError('The slot is not valid', [
        `${field}: the slot ${describeSlot(slot.start)} has already started`,
      ]);
    }
    return slot;
  }

  /** Locks the slot's row and checks a place is free; CONFLICT "slot full" otherwise. */
  private async takePlace(tx: EntityManager, counter: ServiceCounterEntity, slot: Slot): Promise<void> {
    await tx.query(`INSERT INTO cs.appointment_slot (counter_id, slot_start) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      counter.id,
      slot.start,
    ]);
    await tx.query(`SELECT 1 FROM cs.appointment_slot WHERE counter_id = $1 AND slot_start = $2 FOR UPDATE`, [
      counter.id,
      slot.start,
    ]);
    const rows: { n: number }[] = await tx.query(
      `SELECT count(*)::int AS n FROM cs.appointment WHERE counter_id = $1 AND slot_start = $2 AND status = ANY($3)`,
      [counter.id, slot.start, SLOT_HOLDING_STATUSES],
    );
    if (rows[0]!.n >= counter.capacityPerSlot) {
      throw new ConflictError(
        `The slot ${describeSlot(slot.start)} at ${counter.id} is full (${counter.capacityPerSlot} places): slot full, choose another slot.`,
        {
          reason: 'SLOT_FULL',
        },
      );
    }
  }

  private async insert(
    tx: EntityManager,
    actor: Actor,
    agencyId: string,
    kase: CaseReadinessEntity,
    counter: ServiceCounterEntity,
    slot: Slot,
    now: Date,
    extra: { replacesId: string | null; reason: string | null },
  ): Promise<AppointmentEntity> {
    const year = shanghaiYear(now);
    const appointment: AppointmentEntity = {
      id: randomUUID(),
      caseId: kase.caseId,
      counterId: counter.id,
      employerId: kase.employerId,
      agencyId,
      slotStart: slot.start,
      slotEnd: slot.end,
      status: 'BOOKED',
      letterNumber: formatLetterNumber(year, await nextNumber(tx, 'AL', year)),
      replacesId: extra.replacesId,
      replacedById: null,
      reason: extra.reason,
      // The key is the ledger's (platform.idempotency_record); the old column is kept, no longer filled.
      idempotencyKey: null,
      bookedBy: actor.id,
      bookedAt: now,
      cancelledAt: null,
      checkedInAt: null,
      noShowAt: null,
    };
    await tx.getRepository(AppointmentEntity).insert(appointment);
    return appointment;
  }
}

function payload(a: AppointmentEntity): AppointmentPayload {
  return {
    appointmentId: a.id,
    caseId: a.caseId,
    counterId: a.counterId,
    letterNumber: a.letterNumber,
    slotStart: a.slotStart.toISOString(),
    slotEnd: a.slotEnd.toISOString(),
  };
}

function scope(a: AppointmentEntity, actor: Actor | null, at: Date) {
  return { employerId: a.employerId, counterId: a.counterId, actor, at };
}

/** An appointment being cancelled or rescheduled, with its case (both locked). */
interface Changing {
  appointment: AppointmentEntity;
  kase: CaseReadinessEntity;
}

/** Whose booking key it is: the agency's (any of its API clients may retry). */
function agencyOf(actor: Actor): string {
  return actor.agencyId ?? actor.id;
}

/**
 * What a retry of `bookAppointment` must repeat: the case, the counter and the slot. The
 * migration that copied `cs.appointment.idempotency_key` into the ledger builds the same.
 */
function bookingRequest(req: BookingRequest): unknown {
  return { caseId: req.caseId, counterId: req.counterId, slotStart: req.slotStart };
}

function assertCanBook(kase: CaseReadinessEntity): void {
  if (kase.withdrawn) throw new InvalidTransitionError(`Case ${kase.caseId} was withdrawn.`);
  if (kase.category === 'A') {
    throw new InvalidTransitionError(
      `Case ${kase.caseId} is Category A: no appointment is needed, the applicant may walk in to any counter during opening hours.`,
    );
  }
  if (!kase.preExamPassed) {
    throw new InvalidTransitionError(
      `Case ${kase.caseId} has not passed pre-examination yet: an appointment can be booked once it has.`,
    );
  }
}

/** Only a BOOKED appointment whose slot has not started can be cancelled or rescheduled. */
function assertChangeable(appointment: AppointmentEntity, now: Date): void {
  if (appointment.status !== 'BOOKED') {
    throw new InvalidTransitionError(
      `Appointment ${appointment.letterNumber} is ${appointment.status}; only a BOOKED appointment can be changed.`,
    );
  }
  if (appointment.slotStart.getTime() <= now.getTime()) {
    throw new InvalidTransitionError(
      `Appointment ${appointment.letterNumber} has already started (${describeSlot(appointment.slotStart)}).`,
    );
  }
}
