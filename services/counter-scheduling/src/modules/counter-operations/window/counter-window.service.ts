import { randomUUID } from 'node:crypto';
import { IsNull, type EntityManager } from 'typeorm';
import {
  BadUserInputError,
  ConflictError,
  InvalidTransitionError,
  shanghaiDate,
  type Actor,
  type CommandPipeline,
  type CommandSpec,
  type SubgraphRuntime,
} from '@onestop/common';
import { EVENT_TYPES, type NewEvent } from '@onestop/common/contract';
import { describeSlot } from '../shared/appointment-status.js';
import type { CounterService } from '../counter/counter.service.js';
import { loadChanged, newEvent, emitAll } from '../../../shared/events.js';
import { clerkKey, windowTarget } from '../shared/clerk-commands.js';
import { CounterWindowEntity } from './counter-window.entity.js';

/** Arguments of `openWindow` / `closeWindow`. */
interface WindowInput {
  counterId: string;
  window: number;
  /** The acting clerk (opening takes the clerk's lock first: a clerk is at one window at a time). */
  clerkId: string;
  idempotencyKey?: string | null;
}

/** One window of a counter today: open (who is at it, since when) or not. */
export interface CounterWindowValue {
  counterId: string;
  window: number;
  open: boolean;
  clerkId: string | null;
  clerkName: string | null;
  openedAt: Date | null;
}

/**
 * Who is at which window (issue 12). A clerk opens a window of the counter they staff for the
 * day; it stays open until they close it, open another (a clerk is at one window at a time),
 * or the day ends (only today's sessions count). Only open windows count as "windows open" in
 * the live load. Lock order: the clerk, then the window (the same lock `callNext` takes), then
 * the event log.
 */
export class CounterWindowService {
  constructor(
    private readonly rt: Pick<SubgraphRuntime, 'ds' | 'clock'>,
    private readonly commands: CommandPipeline,
    private readonly counters: CounterService,
  ) {}

  /** Today's windows of a counter, 1..windows, each with the clerk at it when open. */
  async list(counterId: string): Promise<CounterWindowValue[]> {
    const counter = await this.counters.get(counterId);
    const today = shanghaiDate(this.rt.clock.now());
    const open = await this.rt.ds.getRepository(CounterWindowEntity).find({
      where: { counterId, serviceDate: today, closedAt: IsNull() },
    });
    const byWindow = new Map(open.map((w) => [w.window, w]));
    return Array.from({ length: counter.windows }, (_, i) => toValue(counterId, i + 1, byWindow.get(i + 1) ?? null));
  }

  /** Opens `window` for the clerk today (closing the clerk's other window, if any). Idempotent for the same clerk. */
  async open(actor: Actor, counterId: string, window: number, key?: string | null): Promise<CounterWindowValue> {
    await this.checkWindow(counterId, window);
    return this.commands.run(actor, this.openSpec, { counterId, window, clerkId: actor.id, idempotencyKey: key });
  }

  /** Closes `window` today, whoever is at it (any clerk of the counter may close a window left open). */
  async close(actor: Actor, counterId: string, window: number, key?: string | null): Promise<CounterWindowValue> {
    await this.checkWindow(counterId, window);
    return this.commands.run(actor, this.closeSpec, { counterId, window, clerkId: actor.id, idempotencyKey: key });
  }

  /** What both window commands share: the window is the target, the clerk's key replays to the window's state now. */
  private windowCommand(
    name: 'openWindow' | 'closeWindow',
    clerkFirst: boolean,
  ): Omit<CommandSpec<WindowInput, WindowInput, CounterWindowValue>, 'execute'> {
    return {
      name,
      action: 'queue.operate',
      ...windowTarget<WindowInput>(clerkFirst ? (tx, input) => lockClerk(tx, input.clerkId) : undefined),
      idempotency: clerkKey(
        ({ counterId, window }) => ({ counterId, window }),
        () => null,
        (tx, _id, { counterId, window }) => this.current(tx, counterId, window),
      ),
    };
  }

  private readonly openSpec: CommandSpec<WindowInput, WindowInput, CounterWindowValue> = {
    // Lock order: the clerk, then the window.
    ...this.windowCommand('openWindow', true),
    execute: async (cx, { counterId, window }) => {
      const { tx, now } = cx;
      const actor = cx.actor!;
      const today = shanghaiDate(now);
      const atWindow = await openSession(tx, counterId, window, today);
      if (atWindow && atWindow.clerkId === actor.id) return toValue(counterId, window, atWindow);
      if (atWindow) {
        throw new ConflictError(
          `Window ${window} of ${counterId} is open by ${atWindow.clerkName} since ${describeSlot(atWindow.openedAt)}: they close it first, or close it for them.`,
          { reason: 'WINDOW_TAKEN', clerkName: atWindow.clerkName },
        );
      }
      const events: NewEvent[] = [];
      const elsewhere = await tx.getRepository(CounterWindowEntity).findOne({
        where: { clerkId: actor.id, serviceDate: today, closedAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      if (elsewhere) events.push(await this.closeSession(tx, elsewhere, actor, now));
      const session = newSession(actor, counterId, window, now);
      await tx.getRepository(CounterWindowEntity).insert(session);
      events.push(windowEvent(EVENT_TYPES.windowOpened, session, actor, now));
      const touched = elsewhere ? [elsewhere.counterId, counterId] : [counterId];
      emitAll(cx, [...events, ...loadChanged(touched, EVENT_TYPES.windowOpened, now, actor)]);
      return toValue(counterId, window, session);
    },
  };

  private readonly closeSpec: CommandSpec<WindowInput, WindowInput, CounterWindowValue> = {
    ...this.windowCommand('closeWindow', false),
    execute: async (cx, { counterId, window }) => {
      const { tx, now } = cx;
      const session = await openSession(tx, counterId, window, shanghaiDate(now));
      if (!session) throw new InvalidTransitionError(`Window ${window} of ${counterId} is not open.`);
      const closed = await this.closeSession(tx, session, cx.actor!, now);
      emitAll(cx, [closed, ...loadChanged([counterId], EVENT_TYPES.windowClosed, now, cx.actor)]);
      return toValue(counterId, window, null);
    },
  };

  /**
   * `callNext` to a window nobody opened today opens it for the calling clerk (the clerk is
   * evidently there), unless the clerk is already at another window. Returns the events to
   * append; the caller holds the window's lock.
   */
  async openOnCall(tx: EntityManager, actor: Actor, counterId: string, window: number, now: Date): Promise<NewEvent[]> {
    const today = shanghaiDate(now);
    if (await openSession(tx, counterId, window, today)) return [];
    const mine: unknown[] = await tx.query(
      `SELECT 1 FROM cs.counter_window WHERE clerk_id = $1 AND service_date = $2 AND closed_at IS NULL`,
      [actor.id, today],
    );
    if (mine.length) return [];
    const session = newSession(actor, counterId, window, now);
    const inserted: unknown[] = await tx.query(
      `INSERT INTO cs.counter_window (id, counter_id, window_number, service_date, clerk_id, clerk_name, opened_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING 1`,
      [session.id, counterId, window, today, actor.id, actor.name, now],
    );
    return inserted.length ? [windowEvent(EVENT_TYPES.windowOpened, session, actor, now)] : [];
  }

  private async current(tx: EntityManager, counterId: string, window: number): Promise<CounterWindowValue> {
    const session = await openSession(tx, counterId, window, shanghaiDate(this.rt.clock.now()));
    return toValue(counterId, window, session);
  }

  private async closeSession(
    tx: EntityManager,
    session: CounterWindowEntity,
    actor: Actor,
    now: Date,
  ): Promise<NewEvent> {
    await tx.query(`UPDATE cs.counter_window SET closed_at = $2, closed_by = $3 WHERE id = $1`, [
      session.id,
      now,
      actor.id,
    ]);
    return windowEvent(EVENT_TYPES.windowClosed, session, actor, now);
  }

  private async checkWindow(counterId: string, window: number): Promise<void> {
    const counter = await this.counters.get(counterId);
    if (!Number.isInteger(window) || window < 1 || window > counter.windows) {
      throw new BadUserInputError('The window is not valid', [
        `window must be from 1 to ${counter.windows} at counter ${counterId}, got ${window}`,
      ]);
    }
  }
}

async function lockClerk(tx: EntityManager, clerkId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('cs.clerk'), hashtext($1))`, [clerkId]);
}

async function openSession(
  tx: EntityManager,
  counterId: string,
  window: number,
  today: string,
): Promise<CounterWindowEntity | null> {
  return tx
    .getRepository(CounterWindowEntity)
    .createQueryBuilder('w')
    .setLock('pessimistic_write')
    .where(
      'w.counter_id = :counterId AND w.window_number = :window AND w.service_date = :today AND w.closed_at IS NULL',
      {
        counterId,
        window,
        today,
      },
    )
    .getOne();
}

/** A clerk's new session at a window, opened now for today. */
function newSession(actor: Actor, counterId: string, window: number, now: Date): CounterWindowEntity {
  return {
    id: randomUUID(),
    counterId,
    window,
    serviceDate: shanghaiDate(now),
    clerkId: actor.id,
    clerkName: actor.name,
    openedAt: now,
    closedAt: null,
    closedBy: null,
  };
}

function toValue(counterId: string, window: number, s: CounterWindowEntity | null): CounterWindowValue {
  return {
    counterId,
    window,
    open: s !== null,
    clerkId: s?.clerkId ?? null,
    clerkName: s?.clerkName ?? null,
    openedAt: s?.openedAt ?? null,
  };
}

function windowEvent(
  type: typeof EVENT_TYPES.windowOpened | typeof EVENT_TYPES.windowClosed,
  s: CounterWindowEntity,
  actor: Actor,
  now: Date,
): NewEvent {
  return newEvent(
    type,
    s.counterId,
    {
      counterId: s.counterId,
      window: s.window,
      serviceDate: s.serviceDate,
      clerkId: s.clerkId,
      clerkName: s.clerkName,
      at: now.toISOString(),
    },
    { employerId: null, counterId: s.counterId, actor, at: now },
  );
}
