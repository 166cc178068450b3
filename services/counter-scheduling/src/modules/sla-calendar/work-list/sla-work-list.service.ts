import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  BadUserInputError,
  ConflictError,
  NotFoundError,
  assertNoProblems,
  employerScope,
  pageSize,
  type Actor,
  type EventSubscription,
  type CalendarStore,
  type Clock,
  type EventStore,
} from '@onestop/common';
import {
  decodeEvent,
  EVENT_TYPES,
  newEvent,
  type DomainEvent,
  type SlaFollowUpAction,
  type SlaFollowUpChangedPayload,
  type SlaKind,
} from '@onestop/common/contract';
import { claimRequest } from '../../../shared/clerk-requests.js';
import { sinceProblems } from '../clocks/sla-filters.js';
import { BREACH_THRESHOLD, remainingMinutes, type SlaBasis, type SlaClockState } from '../clocks/sla-clock.rules.js';
import type {
  SlaFollowUpEntry,
  SlaWorkItem,
  SlaWorkLevel,
  SlaWorkList,
  SlaWorkListChange,
  SlaWorkState,
  StaffMember,
} from './sla-work-list.type.js';

export interface SlaWorkListFilter {
  kind?: SlaKind | null;
  district?: string | null;
  counterId?: string | null;
  level?: SlaWorkLevel | null;
  state?: SlaWorkState | null;
}

/** What the work list runs on. */
export interface SlaWorkListDeps {
  ds: DataSource;
  events: EventStore;
  clock: Clock;
  calendar: CalendarStore;
}

export const WORK_LIST_PAGE = 50;
export const WORK_LIST_MAX = 200;
const NOTE_MAX = 2000;
/** Who may be given an entry: the roles that hold `sla.followUp`. */
const ASSIGNABLE_ROLES = ['MANAGER', 'WP_OFFICER', 'EE_OFFICER'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The entries of the work list, as one relation: every open breach (`cs.sla_breach` with no
 * `resolved_at`, exactly what `slaBreaches(filter: { open: true })` counts, decision 0016) and
 * every running clock past a warning threshold. The two parts are disjoint (a breached clock is
 * no longer RUNNING), so nothing is counted twice.
 */
const ENTRIES = `(
  SELECT b.clock_id, true AS breach FROM cs.sla_breach b WHERE b.resolved_at IS NULL
  UNION ALL
  SELECT c.id, false FROM cs.sla_clock c
   WHERE c.state = 'RUNNING' AND c.last_threshold IS NOT NULL AND c.last_threshold < ${BREACH_THRESHOLD}
)`;

const ITEM_COLUMNS = `c.id AS "clockId", c.case_id AS "caseId", c.kind, c.basis, c.state, c.category,
  c.counter_id AS "counterId", c.started_at AS "startedAt", c.due_at AS "dueAt", c.last_threshold AS "lastThreshold",
  c.employer_id AS "employerId",
  f.acknowledged_threshold AS "ackThreshold", f.acknowledged_at AS "ackAt", f.acknowledged_by_id AS "ackById",
  f.acknowledged_by_name AS "ackByName", f.acknowledged_by_role AS "ackByRole",
  f.assignee_id AS "assigneeId", f.assignee_name AS "assigneeName", f.assignee_role AS "assigneeRole"`;

interface ItemRow {
  clockId: string;
  caseId: string;
  kind: SlaKind;
  basis: SlaBasis;
  state: SlaClockState;
  category: string | null;
  counterId: string | null;
  startedAt: Date;
  dueAt: Date;
  lastThreshold: number | null;
  employerId: string | null;
  breach: boolean | null;
  ackThreshold: number | null;
  ackAt: Date | null;
  ackById: string | null;
  ackByName: string | null;
  ackByRole: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  assigneeRole: string | null;
}

interface EntryRow {
  id: string;
  clockId: string;
  action: SlaFollowUpAction;
  threshold: number | null;
  assigneeId: string | null;
  assigneeName: string | null;
  note: string | null;
  actorId: string;
  actorName: string;
  actorRole: string;
  at: Date;
}

/**
 * The SLA work list (issue 13): warnings and open breaches, most urgent first, and what staff
 * do with them: acknowledge (the current threshold), assign to a person, add a note. Each
 * action is one transaction: the idempotency key is claimed first, then the clock row is
 * locked (`FOR UPDATE`), so two people acknowledging the same entry take turns and the second
 * gets CONFLICT; the audit row and `sla.follow-up-changed` are written with it. Lock order: the
 * request key, the clock, the event log.
 */
export class SlaWorkListService {
  constructor(private readonly deps: SlaWorkListDeps) {}

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
    const state = filter.state ?? null;
    const where = `($1::text IS NULL OR c.kind = $1)
      AND ($2::text IS NULL OR c.counter_id IN (SELECT id FROM cs.service_counter WHERE lower(district) = lower($2)))
      AND ($3::text IS NULL OR c.counter_id = $3)
      AND ($4::text[] IS NULL OR c.employer_id = ANY ($4))
      AND ($5::text IS NULL OR ($5 = 'BREACH') = e.breach)
      AND ($6::text IS NULL
        OR ($6 = 'UNACKNOWLEDGED' AND COALESCE(f.acknowledged_threshold, 0) < c.last_threshold)
        OR ($6 = 'ACKNOWLEDGED' AND f.acknowledged_threshold >= c.last_threshold)
        OR ($6 = 'ASSIGNED_TO_ME' AND f.assignee_id = $7)
        OR ($6 = 'UNASSIGNED' AND f.assignee_id IS NULL))`;
    const from = `${ENTRIES} e JOIN cs.sla_clock c ON c.id = e.clock_id LEFT JOIN cs.sla_follow_up f ON f.clock_id = c.id`;
    const params = [
      filter.kind ?? null,
      filter.district?.trim() ?? null,
      filter.counterId ?? null,
      scope ? [...scope] : null,
      filter.level ?? null,
      state,
      actor.id,
    ];
    const [rows, counts] = await Promise.all([
      this.deps.ds.query(
        `SELECT ${ITEM_COLUMNS}, e.breach FROM ${from} WHERE ${where}
         ORDER BY e.breach DESC, c.due_at ASC, c.id ASC LIMIT $8`,
        [...params, size],
      ) as Promise<ItemRow[]>,
      this.deps.ds.query(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE e.breach)::int AS breaches FROM ${from} WHERE ${where}`,
        params,
      ) as Promise<{ total: number; breaches: number }[]>,
    ]);
    const now = this.deps.clock.now();
    const history = await this.history(rows.map((r) => r.clockId));
    const total = counts[0]?.total ?? 0;
    const breaches = counts[0]?.breaches ?? 0;
    return {
      items: rows.map((r) => this.toItem(r, history.get(r.clockId) ?? [], now)),
      totalCount: total,
      breaches,
      warnings: total - breaches,
      asOf: now,
    };
  }

  /** The staff an entry can be assigned to (those who opened the work list or acted on it), by name. */
  async assignees(): Promise<StaffMember[]> {
    return this.deps.ds.query(`SELECT id, name, role FROM cs.staff_member WHERE role = ANY ($1) ORDER BY name, id`, [
      ASSIGNABLE_ROLES,
    ]);
  }

  /**
   * Acknowledges the entry's current threshold (a warning, or the breach).
   * @throws ConflictError `ALREADY_ACKNOWLEDGED` when someone (maybe a colleague a moment ago) did.
   * @throws ConflictError `NOT_ON_WORK_LIST` when the clock has no warning or open breach.
   */
  async acknowledge(actor: Actor, clockId: string, key?: string | null): Promise<SlaWorkItem> {
    checkClockId(clockId);
    return this.act(actor, clockId, key, 'acknowledgeSlaEntry', { clockId }, async (tx, clock, now) => {
      const threshold = clock.breach ? BREACH_THRESHOLD : clock.lastThreshold;
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
      await tx.query(
        `INSERT INTO cs.sla_follow_up (clock_id, acknowledged_threshold, acknowledged_at, acknowledged_by_id,
           acknowledged_by_name, acknowledged_by_role, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $3)
         ON CONFLICT (clock_id) DO UPDATE SET acknowledged_threshold = $2, acknowledged_at = $3,
           acknowledged_by_id = $4, acknowledged_by_name = $5, acknowledged_by_role = $6, updated_at = $3`,
        [clockId, threshold, now, actor.id, actor.name, actor.role],
      );
      return { action: 'ACKNOWLEDGED', threshold, assignee: null, note: null };
    });
  }

  /**
   * Assigns the entry to a member of staff who can take SLA work.
   * @throws BadUserInputError when `assigneeId` is not such a person.
   */
  async assign(actor: Actor, clockId: string, assigneeId: string, key?: string | null): Promise<SlaWorkItem> {
    checkClockId(clockId);
    const people: StaffMember[] = await this.deps.ds.query(
      `SELECT id, name, role FROM cs.staff_member WHERE id = $1 AND role = ANY ($2)`,
      [assigneeId, ASSIGNABLE_ROLES],
    );
    const assignee = people[0];
    if (!assignee) {
      throw new BadUserInputError('Cannot assign the SLA entry', [
        `assigneeId: ${JSON.stringify(assigneeId)} is not a manager or officer on the work list (see slaAssignees)`,
      ]);
    }
    return this.act(actor, clockId, key, 'assignSlaEntry', { clockId, assigneeId }, async (tx, clock, now) => {
      if (clock.assigneeId === assignee.id) return null;
      await tx.query(
        `INSERT INTO cs.sla_follow_up (clock_id, assignee_id, assignee_name, assignee_role, assigned_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (clock_id) DO UPDATE SET assignee_id = $2, assignee_name = $3, assignee_role = $4,
           assigned_at = $5, updated_at = $5`,
        [clockId, assignee.id, assignee.name, assignee.role, now],
      );
      return { action: 'ASSIGNED', threshold: null, assignee, note: null };
    });
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
    return this.act(actor, clockId, key, 'addSlaNote', { clockId, note }, async () => ({
      action: 'NOTED',
      threshold: null,
      assignee: null,
      note,
    }));
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
    const rows: ItemRow[] = await this.deps.ds.query(
      `SELECT ${ITEM_COLUMNS}, (b.id IS NOT NULL) AS breach FROM cs.sla_clock c
       LEFT JOIN cs.sla_follow_up f ON f.clock_id = c.id
       LEFT JOIN cs.sla_breach b ON b.clock_id = c.id AND b.resolved_at IS NULL
       WHERE c.id = $1 AND ($2::text[] IS NULL OR c.employer_id = ANY ($2))`,
      [clockId, scope ? [...scope] : null],
    );
    if (!rows[0]) throw new NotFoundError('SLA clock', clockId);
    const history = await this.history([clockId]);
    return this.toItem(rows[0], history.get(clockId) ?? [], this.deps.clock.now());
  }

  /**
   * The shape of every follow-up: claim the key (a replay answers the entry as it is now),
   * lock the clock, apply `change` (null: nothing to write), write the audit row and the event.
   */
  private async act(
    actor: Actor,
    clockId: string,
    key: string | null | undefined,
    operation: string,
    request: Record<string, unknown>,
    change: (
      tx: EntityManager,
      clock: ItemRow,
      now: Date,
    ) => Promise<(Pick<EntryRow, 'action' | 'threshold' | 'note'> & { assignee: StaffMember | null }) | null>,
  ): Promise<SlaWorkItem> {
    await this.remember(actor);
    const scope = employerScope(actor);
    await this.deps.ds.transaction(async (tx) => {
      const now = this.deps.clock.now();
      const prior = await claimRequest(tx, actor, key, operation, request, now);
      if (prior) return;
      const locked: unknown[] = await tx.query(
        `SELECT id FROM cs.sla_clock WHERE id = $1 AND ($2::text[] IS NULL OR employer_id = ANY ($2)) FOR UPDATE`,
        [clockId, scope ? [...scope] : null],
      );
      if (!locked.length) throw new NotFoundError('SLA clock', clockId);
      const rows: ItemRow[] = await tx.query(
        `SELECT ${ITEM_COLUMNS}, (b.id IS NOT NULL) AS breach FROM cs.sla_clock c
         LEFT JOIN cs.sla_follow_up f ON f.clock_id = c.id
         LEFT JOIN cs.sla_breach b ON b.clock_id = c.id AND b.resolved_at IS NULL
         WHERE c.id = $1`,
        [clockId],
      );
      const clock = rows[0]!;
      const done = await change(tx, clock, now);
      if (!done) return;
      await tx.query(
        `INSERT INTO cs.sla_follow_up_entry (id, clock_id, action, threshold, assignee_id, assignee_name, note,
           actor_id, actor_name, actor_role, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          randomUUID(),
          clockId,
          done.action,
          done.threshold,
          done.assignee?.id ?? null,
          done.assignee?.name ?? null,
          done.note,
          actor.id,
          actor.name,
          actor.role,
          now,
        ],
      );
      const payload: SlaFollowUpChangedPayload = {
        clockId,
        caseId: clock.caseId,
        kind: clock.kind,
        counterId: clock.counterId,
        action: done.action,
        threshold: done.threshold,
        assigneeId: done.assignee?.id ?? null,
        at: now.toISOString(),
      };
      await this.deps.events.append(tx, [
        newEvent(EVENT_TYPES.slaFollowUpChanged, clock.caseId, payload, {
          employerId: clock.employerId,
          counterId: clock.counterId,
          actor,
          at: now,
        }),
      ]);
    });
    return this.item(actor, clockId);
  }

  /** Records the staff member (the people an entry can be assigned to); writes only when something changed or a day passed. */
  private async remember(actor: Actor): Promise<void> {
    if (actor.role === 'AGENCY') return;
    await this.deps.ds.query(
      `INSERT INTO cs.staff_member (id, name, role, seen_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, seen_at = EXCLUDED.seen_at
       WHERE staff_member.name <> EXCLUDED.name OR staff_member.role <> EXCLUDED.role
          OR staff_member.seen_at < EXCLUDED.seen_at - interval '1 day'`,
      [actor.id, actor.name, actor.role, this.deps.clock.now()],
    );
  }

  private async history(clockIds: readonly string[]): Promise<Map<string, SlaFollowUpEntry[]>> {
    const byClock = new Map<string, SlaFollowUpEntry[]>();
    if (!clockIds.length) return byClock;
    const rows: EntryRow[] = await this.deps.ds.query(
      `SELECT id, clock_id AS "clockId", action, threshold, assignee_id AS "assigneeId", assignee_name AS "assigneeName",
              note, actor_id AS "actorId", actor_name AS "actorName", actor_role AS "actorRole", at
       FROM cs.sla_follow_up_entry WHERE clock_id = ANY ($1) ORDER BY at, id`,
      [[...clockIds]],
    );
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

function checkClockId(clockId: string): void {
  if (!UUID.test(clockId)) {
    throw new BadUserInputError('Cannot change the SLA entry', [
      `clockId: must be the clockId of a work-list entry, got ${JSON.stringify(clockId)}`,
    ]);
  }
}
