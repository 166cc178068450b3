import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '@onestop/common';
import type { SlaFollowUpAction, SlaKind } from '@onestop/common/contract';
import { BREACH_THRESHOLD, type SlaBasis, type SlaClockState } from '../clocks/sla-clock.rules.js';
import type { SlaWorkLevel, SlaWorkState, StaffMember } from './sla-work-list.type.js';

/** Who may be given an entry: the roles that hold `sla.followUp`. */
export const ASSIGNABLE_ROLES = ['MANAGER', 'WP_OFFICER', 'EE_OFFICER'];

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

export interface ItemRow {
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

export interface EntryRow {
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

/** The list's filter as the statement takes it (validated by the service). */
export interface WorkListQuery {
  kind: SlaKind | null;
  district: string | null;
  counterId: string | null;
  /** The actor's employers (an agency), or null for every employer. */
  employerIds: string[] | null;
  level: SlaWorkLevel | null;
  state: SlaWorkState | null;
  actorId: string;
}

/** One follow-up as the audit trail keeps it. */
export interface FollowUp {
  action: SlaFollowUpAction;
  threshold: number | null;
  assignee: StaffMember | null;
  note: string | null;
}

/** SQL of the SLA work list: its entries (`cs.sla_follow_up`), their audit trail and the staff. */
export class SlaWorkListStore {
  constructor(private readonly ds: DataSource) {}

  /** One page of the list, most urgent first, and the counts of the whole filtered list. */
  async page(q: WorkListQuery, size: number): Promise<{ rows: ItemRow[]; total: number; breaches: number }> {
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
    const params = [q.kind, q.district, q.counterId, q.employerIds, q.level, q.state, q.actorId];
    const [rows, counts] = await Promise.all([
      this.ds.query(
        `SELECT ${ITEM_COLUMNS}, e.breach FROM ${from} WHERE ${where}
         ORDER BY e.breach DESC, c.due_at ASC, c.id ASC LIMIT $8`,
        [...params, size],
      ) as Promise<ItemRow[]>,
      this.ds.query(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE e.breach)::int AS breaches FROM ${from} WHERE ${where}`,
        params,
      ) as Promise<{ total: number; breaches: number }[]>,
    ]);
    return { rows, total: counts[0]?.total ?? 0, breaches: counts[0]?.breaches ?? 0 };
  }

  /** One entry, whether or not it is still on the list (null when missing or out of `employerIds`). */
  async item(
    clockId: string,
    employerIds: string[] | null,
    tx: EntityManager = this.ds.manager,
  ): Promise<ItemRow | null> {
    const rows: ItemRow[] = await tx.query(
      `SELECT ${ITEM_COLUMNS}, (b.id IS NOT NULL) AS breach FROM cs.sla_clock c
       LEFT JOIN cs.sla_follow_up f ON f.clock_id = c.id
       LEFT JOIN cs.sla_breach b ON b.clock_id = c.id AND b.resolved_at IS NULL
       WHERE c.id = $1 AND ($2::text[] IS NULL OR c.employer_id = ANY ($2))`,
      [clockId, employerIds],
    );
    return rows[0] ?? null;
  }

  /** Locks the entry's clock (`FOR UPDATE`: follow-ups of one entry take turns) and reads the entry. */
  async lockItem(tx: EntityManager, clockId: string): Promise<ItemRow | null> {
    const locked: unknown[] = await tx.query(`SELECT id FROM cs.sla_clock WHERE id = $1 FOR UPDATE`, [clockId]);
    if (!locked.length) return null;
    return this.item(clockId, null, tx);
  }

  async acknowledge(tx: EntityManager, clockId: string, threshold: number, actor: Actor, now: Date): Promise<void> {
    await tx.query(
      `INSERT INTO cs.sla_follow_up (clock_id, acknowledged_threshold, acknowledged_at, acknowledged_by_id,
         acknowledged_by_name, acknowledged_by_role, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $3)
       ON CONFLICT (clock_id) DO UPDATE SET acknowledged_threshold = $2, acknowledged_at = $3,
         acknowledged_by_id = $4, acknowledged_by_name = $5, acknowledged_by_role = $6, updated_at = $3`,
      [clockId, threshold, now, actor.id, actor.name, actor.role],
    );
  }

  async assign(tx: EntityManager, clockId: string, assignee: StaffMember, now: Date): Promise<void> {
    await tx.query(
      `INSERT INTO cs.sla_follow_up (clock_id, assignee_id, assignee_name, assignee_role, assigned_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (clock_id) DO UPDATE SET assignee_id = $2, assignee_name = $3, assignee_role = $4,
         assigned_at = $5, updated_at = $5`,
      [clockId, assignee.id, assignee.name, assignee.role, now],
    );
  }

  /** The audit row of a follow-up. */
  async addEntry(tx: EntityManager, clockId: string, done: FollowUp, actor: Actor, now: Date): Promise<void> {
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
  }

  /** The audit trails of several entries, oldest first. */
  history(clockIds: readonly string[]): Promise<EntryRow[]> {
    return this.ds.query(
      `SELECT id, clock_id AS "clockId", action, threshold, assignee_id AS "assigneeId", assignee_name AS "assigneeName",
              note, actor_id AS "actorId", actor_name AS "actorName", actor_role AS "actorRole", at
       FROM cs.sla_follow_up_entry WHERE clock_id = ANY ($1) ORDER BY at, id`,
      [[...clockIds]],
    );
  }

  /** The staff an entry can be assigned to, by name. */
  assignees(): Promise<StaffMember[]> {
    return this.ds.query(`SELECT id, name, role FROM cs.staff_member WHERE role = ANY ($1) ORDER BY name, id`, [
      ASSIGNABLE_ROLES,
    ]);
  }

  /** A member of staff who can be given an entry, or null. */
  async assignee(id: string): Promise<StaffMember | null> {
    const people: StaffMember[] = await this.ds.query(
      `SELECT id, name, role FROM cs.staff_member WHERE id = $1 AND role = ANY ($2)`,
      [id, ASSIGNABLE_ROLES],
    );
    return people[0] ?? null;
  }

  /** Records a member of staff; writes only when something changed or a day passed. */
  async rememberStaff(actor: Actor, now: Date): Promise<void> {
    await this.ds.query(
      `INSERT INTO cs.staff_member (id, name, role, seen_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, seen_at = EXCLUDED.seen_at
       WHERE staff_member.name <> EXCLUDED.name OR staff_member.role <> EXCLUDED.role
          OR staff_member.seen_at < EXCLUDED.seen_at - interval '1 day'`,
      [actor.id, actor.name, actor.role, now],
    );
  }
}
