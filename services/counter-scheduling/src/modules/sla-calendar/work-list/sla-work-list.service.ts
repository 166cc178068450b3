import type { EntityManager } from 'typeorm';
import {
  BadUserInputError,
  ConflictError,
  NotFoundError,
  assertNoProblems,
  employerScope,
  pageSize,
  type Actor,
  type CalendarStore,
  type Clock,
  type CommandPipeline,
  type CommandSpec,
  type EventStore,
  type EventSubscription,
  isUuid,
} from '@onestop/common';
import { decodeEvent, EVENT_TYPES, type DomainEvent, type SlaKind } from '@onestop/common/contract';
import { sinceProblems } from '../clocks/sla-filters.js';
import { BREACH_THRESHOLD, remainingMinutes } from '../clocks/sla-clock.rules.js';
import type {
  SlaFollowUpEntry,
  SlaWorkItem,
  SlaWorkLevel,
  SlaWorkList,
  SlaWorkListChange,
  SlaWorkState,
  StaffMember,
} from './sla-work-list.type.js';
import type { FollowUp, ItemRow, SlaWorkListStore } from './sla-work-list.store.js';

export interface SlaWorkListFilter {
  kind?: SlaKind | null;
  district?: string | null;
  counterId?: string | null;
  level?: SlaWorkLevel | null;
  state?: SlaWorkState | null;
}

/** What the work list runs on. */
export interface SlaWorkListDeps {
  events: EventStore;
  clock: Clock;
  calendar: CalendarStore;
  commands: CommandPipeline;
}

export const WORK_LIST_PAGE = 50;
export const WORK_LIST_MAX = 200;
const NOTE_MAX = 2000;

/** A follow-up of one entry: which clock, with the client's idempotency key. */
interface FollowUpInput {
  clockId: string;
  idempotencyKey?: string | null;
}

/**
 * The follow-ups as commands of the kernel's pipeline: the clock row is the target (locked
 * `FOR UPDATE`, so two people acknowledging the same entry take turns and the second gets
 * CONFLICT), the actor's idempotency key replays through the ledger with the operation names
 * and requests the clerk-request table used (`{ clockId }`, `{ clockId, assigneeId }`,
 * `{ clockId, note }`), and `change` writes the follow-up; the audit row and
 * `sla.follow-up-changed` are written with it. A replay answers the entry as it is now.
 */
function followUp<I extends FollowUpInput>(
  store: SlaWorkListStore,
  def: {
    name: string;
    request(input: I): Record<string, unknown>;
    rules?(clock: ItemRow, input: I): void;
    /** Already so (assigning the current assignee): nothing is written. */
    already?(clock: ItemRow, input: I): boolean;
    change(cx: { tx: EntityManager; actor: Actor; now: Date }, clock: ItemRow, input: I): Promise<FollowUp>;
  },
): CommandSpec<I, ItemRow, string> {
  return {
    name: def.name,
    action: 'sla.followUp',
    load: (tx, input) => store.lockItem(tx, input.clockId),
    resource: (clock) => ({ employerId: clock.employerId }),
    notFound: (input) => new NotFoundError('SLA clock', input.clockId),
    subject: (clock) => ({ aggregateId: clock.caseId, employerId: clock.employerId, counterId: clock.counterId }),
    idempotency: {
      key: (input) => input.idempotencyKey,
      request: def.request,
      resultId: (clockId) => clockId,
      replay: async (_tx, _resultId, input) => input.clockId,
    },
    replay: async (_tx, clock, input) => (def.already?.(clock, input) ? input.clockId : null),
    rules: def.rules,
    execute: async (cx, clock, input) => {
      const actor = cx.actor!;
      const done = await def.change({ tx: cx.tx, actor, now: cx.now }, clock, input);
      await store.addEntry(cx.tx, clock.clockId, done, actor, cx.now);
      cx.emit(EVENT_TYPES.slaFollowUpChanged, {
        clockId: clock.clockId,
        caseId: clock.caseId,
        kind: clock.kind,
        counterId: clock.counterId,
        action: done.action,
        threshold: done.threshold,
        assigneeId: done.assignee?.id ?? null,
        at: cx.now.toISOString(),
      });
      return clock.clockId;
    },
  };
}

/**
 * The SLA work list (issue 13): warnings and open breaches, most urgent first, and what staff
 * do with them: acknowledge (the current threshold), assign to a person, add a note. Each
 * action is a command of the kernel's pipeline (see `followUp`).
 */
export class SlaWorkListService {
  private readonly acknowledgeCommand: CommandSpec<FollowUpInput, ItemRow, string>;
  private readonly assignCommand: CommandSpec<FollowUpInput & { assignee: StaffMember }, ItemRow, string>;
  private readonly noteCommand: CommandSpec<FollowUpInput & { note: string }, ItemRow, string>;

  constructor(
    private readonly store: SlaWorkListStore,
    private readonly deps: SlaWorkListDeps,
  ) {
    this.acknowledgeCommand = followUp(store, {
      name: 'acknowledgeSlaEntry',
      request: ({ clockId }) => ({ clockId }),
      rules: (clock) => {
        const threshold = currentThreshold(clock);
        if (threshold === null) {
          throw new ConflictError('This clock has no warning or open breach to acknowledge.', {
            reason: 'NOT_ON_WORK_LIST',
          });
        }
        if (clock.ackThreshold !== null && clock.ackThreshold >= threshold) {
          throw new ConflictError(
            `${clock.ackByName ?? 'Someone'} already acknowledged this ${threshold >= BREACH_THRESHOLD ? 'breach' : 'warning'}.`,
            { reason: 'ALREADY_ACKNOWLEDGED', acknowledgedBy: clock.ackByName },
          );
        }
      },
      change: async ({ tx, actor, now }, clock) => {
        const threshold = currentThreshold(clock)!;
        await store.acknowledge(tx, clock.clockId, threshold, actor, now);
        return { action: 'ACKNOWLEDGED', threshold, assignee: null, note: null };
      },
    });
    this.assignCommand = followUp(store, {
      name: 'assignSlaEntry',
      request: ({ clockId, assignee }) => ({ clockId, assigneeId: assignee.id }),
      already: (clock, { assignee }) => clock.assigneeId === assignee.id,
      change: async ({ tx, now }, clock, { assignee }) => {
        await store.assign(tx, clock.clockId, assignee, now);
        return { action: 'ASSIGNED', threshold: null, assignee, note: null };
      },
    });
    this.noteCommand = followUp(store, {
      name: 'addSlaNote',
      request: ({ clockId, note }) => ({ clockId, note }),
      change: async (_cx, _clock, { note }) => ({ action: 'NOTED', threshold: null, assignee: null, note }),
    });
  }

  /**
   * The list, scoped like every SLA read (an agency sees its employers' entries only).
   * @throws BadUserInputError listing every problem with the arguments.
   */
  async list(actor: Actor, filter: SlaWorkListFilter, first?: number | null): Promise<SlaWorkList> {
    const problems: string[] = [];
    const size = pageSize(first, problems, WORK_LIST_PAGE, WORK_LIST_MAX);
    if (filter.district !== undefined && filter.district !== null && !filter.district.trim())
      problems.push('district: must not be blank');
    assertNoProblems('Cannot list the SLA work list', problems);
    await this.remember(actor);
    const scope = employerScope(actor);
    const { rows, total, breaches } = await this.store.page(
      {
        kind: filter.kind ?? null,
        district: filter.district?.trim() ?? null,
        counterId: filter.counterId ?? null,
        employerIds: scope ? [...scope] : null,
        level: filter.level ?? null,
        state: filter.state ?? null,
        actorId: actor.id,
      },
      size,
    );
    const now = this.deps.clock.now();
    const history = await this.history(rows.map((r) => r.clockId));
    return {
      items: rows.map((r) => this.toItem(r, history.get(r.clockId) ?? [], now)),
      totalCount: total,
      breaches,
      warnings: total - breaches,
      asOf: now,
    };
  }

  /** The staff an entry can be assigned to (those who opened the work list or acted on it), by name. */
  assignees(): Promise<StaffMember[]> {
    return this.store.assignees();
  }

  /**
   * Acknowledges the entry's current threshold (a warning, or the breach).
   * @throws ConflictError `ALREADY_ACKNOWLEDGED` when someone (maybe a colleague a moment ago) did.
   * @throws ConflictError `NOT_ON_WORK_LIST` when the clock has no warning or open breach.
   */
  async acknowledge(actor: Actor, clockId: string, key?: string | null): Promise<SlaWorkItem> {
    checkClockId(clockId);
    return this.act(actor, this.acknowledgeCommand, { clockId, idempotencyKey: key });
  }

  /**
   * Assigns the entry to a member of staff who can take SLA work.
   * @throws BadUserInputError when `assigneeId` is not such a person.
   */
  async assign(actor: Actor, clockId: string, assigneeId: string, key?: string | null): Promise<SlaWorkItem> {
    checkClockId(clockId);
    const assignee = await this.store.assignee(assigneeId);
    if (!assignee) {
      throw new BadUserInputError('Cannot assign the SLA entry', [
        `assigneeId: ${JSON.stringify(assigneeId)} is not a manager or officer on the work list (see slaAssignees)`,
      ]);
    }
    return this.act(actor, this.assignCommand, { clockId, assignee, idempotencyKey: key });
  }

  /**
   * Adds a note (1 to 2,000 characters) to the entry.
   * @throws BadUserInputError for an empty or too long note.
   */
  async note(actor: Actor, clockId: string, text: string, key?: string | null): Promise<SlaWorkItem> {
    checkClockId(clockId);
    const note = text.trim();
    if (!note || note.length > NOTE_MAX) {
      throw new BadUserInputError('Cannot add the note', [
        `text: must be 1 to ${NOTE_MAX} characters (without surrounding spaces), got ${note.length}`,
      ]);
    }
    return this.act(actor, this.noteCommand, { clockId, note, idempotencyKey: key });
  }

  /** Changes to the list as they happen (replayed from `since` first), scoped like the list. */
  changes(actor: Actor, since?: string | null): EventSubscription {
    const problems = sinceProblems(since);
    if (problems.length) throw new BadUserInputError('Cannot subscribe to the SLA work list', problems);
    const scope = employerScope(actor);
    return this.deps.events.subscribe({
      since: since ?? undefined,
      types: [...WORK_LIST_EVENTS],
      filter: (e) => !scope || (e.employerId !== null && scope.includes(e.employerId)),
    });
  }

  /** One entry, whether or not it is still on the list. */
  async item(actor: Actor, clockId: string): Promise<SlaWorkItem> {
    const scope = employerScope(actor);
    const row = await this.store.item(clockId, scope ? [...scope] : null);
    if (!row) throw new NotFoundError('SLA clock', clockId);
    const history = await this.history([clockId]);
    return this.toItem(row, history.get(clockId) ?? [], this.deps.clock.now());
  }

  /** Runs a follow-up through the pipeline, then answers the entry as it is now. */
  private async act<I extends FollowUpInput>(
    actor: Actor,
    command: CommandSpec<I, ItemRow, string>,
    input: I,
  ): Promise<SlaWorkItem> {
    await this.remember(actor);
    await this.deps.commands.run(actor, command, input);
    return this.item(actor, input.clockId);
  }

  /** Records the staff member (the people an entry can be assigned to). */
  private async remember(actor: Actor): Promise<void> {
    if (actor.role === 'AGENCY') return;
    await this.store.rememberStaff(actor, this.deps.clock.now());
  }

  private async history(clockIds: readonly string[]): Promise<Map<string, SlaFollowUpEntry[]>> {
    const byClock = new Map<string, SlaFollowUpEntry[]>();
    if (!clockIds.length) return byClock;
    const rows = await this.store.history(clockIds);
    for (const r of rows) {
      let list = byClock.get(r.clockId);
      if (!list) byClock.set(r.clockId, (list = []));
      list.push({
        id: r.id,
        action: r.action,
        by: { id: r.actorId, name: r.actorName, role: r.actorRole },
        at: r.at,
        threshold: r.threshold,
        assignee: r.assigneeId ? { id: r.assigneeId, name: r.assigneeName ?? r.assigneeId, role: '' } : null,
        note: r.note,
      });
    }
    return byClock;
  }

  private toItem(r: ItemRow, history: SlaFollowUpEntry[], now: Date): SlaWorkItem {
    const breach = r.breach === true;
    const threshold = breach ? BREACH_THRESHOLD : (r.lastThreshold ?? 0);
    return {
      clockId: r.clockId,
      level: breach ? 'BREACH' : 'WARNING',
      threshold,
      kind: r.kind,
      state: r.state,
      case: { id: r.caseId },
      counterId: r.counterId,
      category: r.category,
      startedAt: r.startedAt,
      dueAt: r.dueAt,
      overdueMinutes: -remainingMinutes(this.deps.calendar.calendar, r.basis, now, r.dueAt),
      asOf: now,
      acknowledged: r.ackThreshold !== null && r.ackThreshold >= threshold,
      acknowledgedAt: r.ackAt,
      acknowledgedBy: r.ackById ? { id: r.ackById, name: r.ackByName ?? r.ackById, role: r.ackByRole ?? '' } : null,
      assignee: r.assigneeId
        ? { id: r.assigneeId, name: r.assigneeName ?? r.assigneeId, role: r.assigneeRole ?? '' }
        : null,
      history,
    };
  }
}

/** The events the work list's subscription pushes. */
const WORK_LIST_EVENTS = [
  EVENT_TYPES.slaWarning,
  EVENT_TYPES.slaBreached,
  EVENT_TYPES.slaResolved,
  EVENT_TYPES.slaFollowUpChanged,
] as const;

/** `sla.follow-up-changed` and the clock events as the subscription pushes them (decoded by the catalogue). */
export function toWorkListChange(event: DomainEvent): SlaWorkListChange {
  const e = decodeEvent(event, WORK_LIST_EVENTS);
  return {
    eventId: e.id,
    type: e.type,
    clockId: e.payload.clockId,
    case: { id: e.payload.caseId },
    kind: e.payload.kind,
    counterId: e.payload.counterId,
    action: e.type === EVENT_TYPES.slaFollowUpChanged ? e.payload.action : null,
  };
}

/** The threshold an acknowledgement covers: the breach, or the last warning; null when there is none. */
function currentThreshold(clock: ItemRow): number | null {
  return clock.breach ? BREACH_THRESHOLD : clock.lastThreshold;
}

function checkClockId(clockId: string): void {
  if (!isUuid(clockId)) {
    throw new BadUserInputError('Cannot change the SLA entry', [
      `clockId: must be the clockId of a work-list entry, got ${JSON.stringify(clockId)}`,
    ]);
  }
}
