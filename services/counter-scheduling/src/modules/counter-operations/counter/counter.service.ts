import type { EntityManager } from 'typeorm';
import {
  addCalendarDays,
  BadUserInputError,
  NotFoundError,
  parseIsoDate,
  shanghaiDate,
  shanghaiDayStart,
  type Actor,
  type CommandPipeline,
  type CommandSpec,
  type SubgraphRuntime,
  leanColumns,
  leanRows,
  leanStatement,
  leanTable,
} from '@onestop/common';
import { EVENT_TYPES } from '@onestop/common/contract';
import { SLOT_HOLDING_STATUSES } from '../shared/appointment-status.js';
import { BEIJING_DISTRICTS_ZH, isBeijingDistrictZh } from './beijing-districts.js';
import { loadChanged, emitAll } from '../../../shared/events.js';
import { checkText } from '../shared/input.js';
import { CounterHoursExceptionEntity } from './counter-hours-exception.entity.js';
import { ServiceCounterEntity } from './counter.entity.js';
import type { CounterHoursExceptionInput, ServiceCounterInput } from './dto/counter.input.js';
import {
  daySchedule,
  exceptionProblems,
  formatHhmm,
  openingHoursProblems,
  slotsOfDay,
  type DaySchedule,
  type HoursException,
  type Slot,
} from './opening-hours.js';

/** A bookable slot with its free places. */
export interface SlotAvailability extends Slot {
  counterId: string;
  capacity: number;
  booked: number;
  available: number;
}

/** The longest range `availableSlots` / `schedule` answer at once. */
export const MAX_RANGE_DAYS = 62;

/** How far ahead a counter's opening exception may be set: two years (a notice is published a year ahead). */
export const MAX_EXCEPTION_DAYS_AHEAD = 731;

/** Counters, their opening hours and exceptions, their days and free slots. */
export class CounterService {
  constructor(
    private readonly rt: Pick<SubgraphRuntime, 'ds' | 'clock' | 'calendar'>,
    private readonly commands: CommandPipeline,
    /** BOOKING_HORIZON_DAYS: slots after today plus this many days are neither offered nor bookable. */
    readonly bookingHorizonDays: number,
  ) {}

  /** The last date (Asia/Shanghai) with bookable slots. */
  lastBookableDate(): string {
    return addCalendarDays(shanghaiDate(this.rt.clock.now()), this.bookingHorizonDays);
  }

  /**
   * Why a slot starting at `start` can never be booked now (it lies before today or beyond the
   * booking horizon), or null. Checked before anything else about the instant, so a slot in
   * year 0 or 275760 gets this answer rather than reaching date arithmetic.
   */
  unbookableProblem(field: string, start: Date): string | null {
    const now = this.rt.clock.now();
    if (start.getTime() < shanghaiDayStart(shanghaiDate(now)).getTime())
      return `${field}: the slot ${start.toISOString()} has already started`;
    const last = this.lastBookableDate();
    if (start.getTime() >= shanghaiDayStart(addCalendarDays(last, 1)).getTime())
      return `${field}: ${start.toISOString()} is beyond the booking horizon: slots can be booked up to ${last} (${this.bookingHorizonDays} days ahead)`;
    return null;
  }

  async list(): Promise<ServiceCounterEntity[]> {
    return this.rt.ds.getRepository(ServiceCounterEntity).find({ order: { district: 'ASC', name: 'ASC' } });
  }

  /**
   * Counters by id in one statement: outside a transaction (the `ServiceCounter` reference and
   * `Appointment.counter` path) a prepared statement read as plain rows; inside one, through
   * its manager.
   */
  async findByIds(ids: readonly string[], manager?: EntityManager): Promise<Map<string, ServiceCounterEntity>> {
    if (!ids.length) return new Map();
    let rows: ServiceCounterEntity[];
    if (manager) {
      rows = await manager
        .getRepository(ServiceCounterEntity)
        .createQueryBuilder('c')
        .where('c.id = ANY(:ids)', { ids: [...ids] })
        .getMany();
    } else {
      const { ds } = this.rt;
      const statement = leanStatement(
        ds,
        'counter.by-id',
        () =>
          `SELECT ${leanColumns(ds, ServiceCounterEntity, 'c')} FROM ${leanTable(ds, ServiceCounterEntity)} c
           WHERE c.id = ANY($1::text[])`,
      );
      rows = await leanRows<ServiceCounterEntity>(ds, statement, [[...ids]]);
    }
    return new Map(rows.map((r) => [r.id, r]));
  }

  async get(id: string, manager?: EntityManager): Promise<ServiceCounterEntity> {
    const found = (await this.findByIds([id], manager)).get(id);
    if (!found) throw new NotFoundError('ServiceCounter', id);
    return found;
  }

  /** Exceptions of these counters on or after `fromDate` (YYYY-MM-DD), by counter, in date order. */
  async exceptionsFrom(
    counterIds: readonly string[],
    fromDate: string,
  ): Promise<Map<string, CounterHoursExceptionEntity[]>> {
    const out = new Map<string, CounterHoursExceptionEntity[]>(counterIds.map((id) => [id, []]));
    if (!counterIds.length) return out;
    const rows = await this.rt.ds
      .getRepository(CounterHoursExceptionEntity)
      .createQueryBuilder('e')
      .where('e.counter_id = ANY(:ids) AND e.date >= :from', { ids: [...counterIds], from: fromDate })
      .orderBy('e.date', 'ASC')
      .getMany();
    for (const r of rows) out.get(r.counterId)?.push(r);
    return out;
  }

  /** The exceptions of one counter between two dates (inclusive), by date. */
  async exceptionsBetween(
    counterId: string,
    from: string,
    to: string,
    manager: EntityManager = this.rt.ds.manager,
  ): Promise<Map<string, HoursException>> {
    const rows: CounterHoursExceptionEntity[] = await manager
      .getRepository(CounterHoursExceptionEntity)
      .createQueryBuilder('e')
      .where('e.counter_id = :counterId AND e.date BETWEEN :from AND :to', { counterId, from, to })
      .getMany();
    return new Map(rows.map((r) => [r.date, r]));
  }

  /** What the counter does on each date from `from` to `to` (inclusive). */
  async schedule(counterId: string, from: string, to: string): Promise<DaySchedule[]> {
    const dates = dateRange(from, to);
    const counter = await this.get(counterId);
    const exceptions = await this.exceptionsBetween(counterId, from, to);
    const calendar = this.rt.calendar.calendar;
    return dates.map((d) => daySchedule(counter.openingHours, exceptions.get(d), calendar, d));
  }

  /** The counter's schedule for the day of `instant`. */
  async scheduleAt(counter: ServiceCounterEntity, instant: Date, manager?: EntityManager): Promise<DaySchedule> {
    const date = shanghaiDate(instant);
    const exceptions = await this.exceptionsBetween(counter.id, date, date, manager);
    return daySchedule(counter.openingHours, exceptions.get(date), this.rt.calendar.calendar, date);
  }

  /** Slots from `from` to `to` (dates, inclusive, up to the booking horizon) that have not started and have a free place. */
  async availableSlots(counterId: string, from: string, to: string): Promise<SlotAvailability[]> {
    // Up to the booking horizon: a range reaching past it is cut there; one starting past it is refused.
    const last = this.lastBookableDate();
    const problems = [...dateProblems('from', from), ...dateProblems('to', to)];
    if (!problems.length && from > last)
      problems.push(
        `from ${from} is beyond the booking horizon: slots can be booked up to ${last} (${this.bookingHorizonDays} days ahead)`,
      );
    if (problems.length) throw new BadUserInputError('The date range is not valid', problems);
    const days = await this.schedule(counterId, from, to > last ? last : to);
    const counter = await this.get(counterId);
    const now = this.rt.clock.now().getTime();
    const slots = days.flatMap((d) => slotsOfDay(d, counter.slotMinutes)).filter((s) => s.start.getTime() > now);
    if (!slots.length) return [];
    const booked = await this.bookedCounts(counterId, slots[0]!.start, slots[slots.length - 1]!.end);
    return slots
      .map((s) => {
        const n = booked.get(s.start.getTime()) ?? 0;
        return {
          ...s,
          counterId,
          capacity: counter.capacityPerSlot,
          booked: n,
          available: Math.max(0, counter.capacityPerSlot - n),
        };
      })
      .filter((s) => s.available > 0);
  }

  /** Places held per slot start (ms) between two instants. */
  async bookedCounts(counterId: string, from: Date, to: Date): Promise<Map<number, number>> {
    const rows: { slot_start: Date; n: number }[] = await this.rt.ds.query(
      `SELECT slot_start, count(*)::int AS n FROM cs.appointment
       WHERE counter_id = $1 AND slot_start >= $2 AND slot_start < $3 AND status = ANY($4)
       GROUP BY slot_start`,
      [counterId, from, to, SLOT_HOLDING_STATUSES],
    );
    return new Map(rows.map((r) => [new Date(r.slot_start).getTime(), r.n]));
  }

  /** A MANAGER changes a counter's settings; every problem of the input is reported at once. */
  async update(actor: Actor, id: string, input: ServiceCounterInput): Promise<ServiceCounterEntity> {
    const problems = counterInputProblems(input);
    const changed = Object.entries(input)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k]) => k);
    if (!changed.length && !problems.length) problems.push('nothing to change: give at least one field');
    if (problems.length) throw new BadUserInputError('The counter settings are not valid', problems);
    return this.commands.run(
      actor,
      this.counterCommand('updateServiceCounter', async (tx) => {
        const patch: Partial<ServiceCounterEntity> = {};
        if (input.name != null) patch.name = input.name.trim();
        if (input.nameZh != null) patch.nameZh = input.nameZh.trim();
        if (input.district != null) patch.district = input.district.trim();
        if (input.districtZh != null) patch.districtZh = input.districtZh.trim();
        if (input.address != null) patch.address = input.address.trim();
        if (input.windows != null) patch.windows = input.windows;
        if (input.slotMinutes != null) patch.slotMinutes = input.slotMinutes;
        if (input.capacityPerSlot != null) patch.capacityPerSlot = input.capacityPerSlot;
        if (input.openingHours != null) {
          patch.openingHours = input.openingHours
            .map((h) => ({ weekday: h.weekday, opens: h.opens, closes: h.closes }))
            .sort((x, y) => x.weekday - y.weekday || x.opens.localeCompare(y.opens));
        }
        await tx.getRepository(ServiceCounterEntity).update({ id }, patch);
        return changed;
      }),
      id,
    );
  }

  /** A MANAGER sets (or replaces) the exception of one date. */
  async setException(
    actor: Actor,
    counterId: string,
    input: CounterHoursExceptionInput,
  ): Promise<ServiceCounterEntity> {
    const problems = [...dateProblems('date', input.date), ...exceptionProblems(input)];
    const latest = addCalendarDays(shanghaiDate(this.rt.clock.now()), MAX_EXCEPTION_DAYS_AHEAD);
    if (!problems.length && input.date > latest)
      problems.push(`date: ${input.date} is more than ${MAX_EXCEPTION_DAYS_AHEAD} days ahead (latest ${latest})`);
    checkText(problems, 'reason', input.reason, 200);
    if (problems.length) throw new BadUserInputError('The opening exception is not valid', problems);
    return this.commands.run(
      actor,
      this.counterCommand('setCounterHoursException', async (tx, now) => {
        await tx.query(
          `INSERT INTO cs.counter_hours_exception (counter_id, date, closed, opens, closes, reason, updated_by, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (counter_id, date) DO UPDATE SET closed = EXCLUDED.closed, opens = EXCLUDED.opens, closes = EXCLUDED.closes,
             reason = EXCLUDED.reason, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
          [
            counterId,
            input.date,
            input.closed,
            input.closed ? null : input.opens,
            input.closed ? null : input.closes,
            input.reason.trim(),
            actor.id,
            now,
          ],
        );
        return [`exception:${input.date}`];
      }),
      counterId,
    );
  }

  /** A MANAGER removes the exception of one date: the weekly hours apply again. */
  async removeException(actor: Actor, counterId: string, date: string): Promise<ServiceCounterEntity> {
    const problems = dateProblems('date', date);
    if (problems.length) throw new BadUserInputError('The date is not valid', problems);
    return this.commands.run(
      actor,
      this.counterCommand('removeCounterHoursException', async (tx) => {
        const [, deleted] = (await tx.query(
          'DELETE FROM cs.counter_hours_exception WHERE counter_id = $1 AND date = $2',
          [counterId, date],
        )) as [unknown, number];
        if (!deleted) throw new NotFoundError('CounterHoursException', `${counterId}/${date}`);
        return [`exception:${date}`];
      }),
      counterId,
    );
  }

  /**
   * A manager's change of a counter: the counter's row is the target (locked), `change` writes
   * and says what changed; `counter.changed` and the counter's load change follow.
   */
  private counterCommand(
    name: string,
    change: (tx: EntityManager, now: Date) => Promise<string[]>,
  ): CommandSpec<string, { id: string }, ServiceCounterEntity> {
    return {
      name,
      action: 'counter.manage',
      load: async (tx, id) => {
        const rows: { id: string }[] = await tx.query('SELECT id FROM cs.service_counter WHERE id = $1 FOR UPDATE', [
          id,
        ]);
        return rows[0] ?? null;
      },
      resource: () => ({}),
      notFound: (id) => new NotFoundError('ServiceCounter', id),
      subject: ({ id }) => ({ aggregateId: id, employerId: null, counterId: id }),
      execute: async (cx, { id }) => {
        const changed = await change(cx.tx, cx.now);
        cx.emit(EVENT_TYPES.counterChanged, { counterId: id, changed });
        emitAll(cx, loadChanged([id], EVENT_TYPES.counterChanged, cx.now, cx.actor));
        return this.get(id, cx.tx);
      },
    };
  }
}

/** A Chinese (Han) character. */
const HAN = /\p{Script=Han}/u;

/** Every problem of a counter settings input. */
export function counterInputProblems(input: ServiceCounterInput): string[] {
  const problems: string[] = [];
  for (const k of ['name', 'district', 'address'] as const) {
    if (input[k] != null) checkText(problems, k, input[k], 200);
  }
  if (input.nameZh != null) {
    const before = problems.length;
    checkText(problems, 'nameZh', input.nameZh, 100);
    // The Chinese UI shows this field: an English name pasted here would be a silent mistake.
    if (problems.length === before && !HAN.test(input.nameZh)) {
      problems.push(`nameZh must contain Chinese characters, got "${input.nameZh.trim()}"`);
    }
  }
  if (input.districtZh != null) {
    const before = problems.length;
    checkText(problems, 'districtZh', input.districtZh, 20);
    if (problems.length === before && !isBeijingDistrictZh(input.districtZh.trim())) {
      problems.push(
        `districtZh must be the official name of one of Beijing's ${BEIJING_DISTRICTS_ZH.length} districts (${BEIJING_DISTRICTS_ZH.join(', ')}), got "${input.districtZh.trim()}"`,
      );
    }
  }
  if (input.windows != null && (!Number.isInteger(input.windows) || input.windows < 1 || input.windows > 50)) {
    problems.push(`windows must be a whole number from 1 to 50, got ${input.windows}`);
  }
  if (
    input.slotMinutes != null &&
    (!Number.isInteger(input.slotMinutes) || input.slotMinutes < 5 || input.slotMinutes > 240)
  ) {
    problems.push(`slotMinutes must be a whole number from 5 to 240, got ${input.slotMinutes}`);
  }
  if (
    input.capacityPerSlot != null &&
    (!Number.isInteger(input.capacityPerSlot) || input.capacityPerSlot < 0 || input.capacityPerSlot > 500)
  ) {
    problems.push(`capacityPerSlot must be a whole number from 0 to 500, got ${input.capacityPerSlot}`);
  }
  if (input.openingHours != null) problems.push(...openingHoursProblems(input.openingHours));
  return problems;
}

/** Problems of a YYYY-MM-DD date argument. */
export function dateProblems(field: string, value: string): string[] {
  try {
    parseIsoDate(value);
    return [];
  } catch (err) {
    return [`${field}: ${(err as Error).message}`];
  }
}

/** The dates from `from` to `to` inclusive; BAD_USER_INPUT when they are not dates or the range is empty or too long. */
export function dateRange(from: string, to: string): string[] {
  const problems = [...dateProblems('from', from), ...dateProblems('to', to)];
  if (!problems.length) {
    const days = (shanghaiDayStart(to).getTime() - shanghaiDayStart(from).getTime()) / 86_400_000;
    if (days < 0) problems.push(`to (${to}) must not be before from (${from})`);
    else if (days >= MAX_RANGE_DAYS)
      problems.push(`the range may span at most ${MAX_RANGE_DAYS} days, got ${days + 1}`);
  }
  if (problems.length) throw new BadUserInputError('The date range is not valid', problems);
  // Counted, not "until past `to`": the day after 9999-12-31 is not a date.
  const days = (shanghaiDayStart(to).getTime() - shanghaiDayStart(from).getTime()) / 86_400_000;
  return Array.from({ length: days + 1 }, (_, i) => addCalendarDays(from, i));
}

/** GraphQL shape of a day schedule. */
export function toCounterDay(d: DaySchedule): {
  date: string;
  open: boolean;
  hours: { opens: string; closes: string }[];
  reason: string;
} {
  return {
    date: d.date,
    open: d.intervals.length > 0,
    hours: d.intervals.map((i) => ({ opens: formatHhmm(i.opens), closes: formatHhmm(i.closes) })),
    reason: d.reason,
  };
}
