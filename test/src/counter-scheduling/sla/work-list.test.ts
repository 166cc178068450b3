/**
 * The SLA work list through the gateway on a real PostgreSQL (issue 13): warnings and open
 * breaches most urgent first, filters, scoping, acknowledge / assign / note (stored, audited,
 * pushed live), bad input (stable codes, nothing written), two people acknowledging the same
 * breach at once, and retried mutations with the same idempotency key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EMPLOYERS } from '@onestop/common/testing';
import {
  startTestSystem,
  waitFor,
  type GqlResponse,
  type TestSystem,
  businessNow,
  CaseEvents,
  consumed,
  collect,
  wsClient,
} from '../../testkit/index.js';

const MINUTE = 60_000;
const E1 = DEMO_EMPLOYERS[0].id;
const E2 = DEMO_EMPLOYERS[2].id;

const ITEM = `clockId level threshold kind state counterId category dueAt overdueMinutes acknowledged acknowledgedAt
  acknowledgedBy { id name role } assignee { id name role }
  history { id action at threshold note by { id name role } assignee { id name } }`;
const LIST = `query ($filter: SlaWorkListFilter, $first: Int) {
  slaWorkList(filter: $filter, first: $first) { totalCount breaches warnings asOf items { ${ITEM} } } }`;
const ACK = `mutation ($clockId: ID!, $key: String) { acknowledgeSlaEntry(clockId: $clockId, idempotencyKey: $key) { ${ITEM} } }`;
const ASSIGN = `mutation ($clockId: ID!, $assigneeId: ID!, $key: String) {
  assignSlaEntry(clockId: $clockId, assigneeId: $assigneeId, idempotencyKey: $key) { ${ITEM} } }`;
const NOTE = `mutation ($clockId: ID!, $text: String!, $key: String) {
  addSlaNote(clockId: $clockId, text: $text, idempotencyKey: $key) { ${ITEM} } }`;

interface Item {
  clockId: string;
  level: 'WARNING' | 'BREACH';
  threshold: number;
  kind: string;
  counterId: string | null;
  overdueMinutes: number;
  acknowledged: boolean;
  acknowledgedBy: { id: string; name: string; role: string } | null;
  assignee: { id: string; name: string } | null;
  history: { action: string; by: { id: string; name: string; role: string }; note: string | null; at: string }[];
}
interface ListData {
  slaWorkList: { totalCount: number; breaches: number; warnings: number; items: Item[] };
}

function codeOf(res: GqlResponse): string | undefined {
  return res.errors?.[0]?.extensions?.code;
}

describe('SLA work list', () => {
  let sys: TestSystem;
  let manager: string;
  let manager2: string;
  let wp: string;
  let breachE1Chaoyang: string;
  let breachE2Haidian: string;
  let warningE1: string;

  async function list(token: string, filter: Record<string, unknown> = {}): Promise<ListData['slaWorkList']> {
    const res = await sys.gql<ListData>(LIST, { filter, first: 200 }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.slaWorkList;
  }

  async function writes(): Promise<{ followUps: number; entries: number; events: number }> {
    const r = await sys.sql.query<{ f: number; e: number; v: number }>(
      `SELECT (SELECT count(*)::int FROM cs.sla_follow_up) AS f, (SELECT count(*)::int FROM cs.sla_follow_up_entry) AS e,
              (SELECT count(*)::int FROM platform.event_log WHERE type = 'sla.follow-up-changed') AS v`,
    );
    return { followUps: r.rows[0]!.f, entries: r.rows[0]!.e, events: r.rows[0]!.v };
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    manager = await sys.token('MANAGER', { sub: 'manager-a', name: 'Zhao Min' });
    manager2 = await sys.token('MANAGER', { sub: 'manager-b', name: 'Sun Li' });
    wp = await sys.token('WP_OFFICER', { sub: 'wp-a', name: 'Li Wei' });
    const t0 = await businessNow(sys);
    // Two counter waits (30 min) that will breach, at two counters of two districts, for two employers.
    const a = new CaseEvents(sys, E1);
    const b = new CaseEvents(sys, E2);
    await a.ticketIssued(t0, 'chaoyang-cbd');
    await b.ticketIssued(new Date(t0.getTime() + MINUTE), 'haidian-zgc');
    await sys.advanceClock(35 * MINUTE);
    // A third, started now: it reaches only its 50 % warning.
    const c = new CaseEvents(sys, E1);
    const t1 = await businessNow(sys);
    await c.ticketIssued(t1, 'chaoyang-cbd');
    const last = (await sys.sql.query<{ id: string }>(`SELECT max(id)::text AS id FROM platform.event_log`)).rows[0]!
      .id;
    await consumed(sys, last);
    await sys.advanceClock(16 * MINUTE);
    const seen = await waitFor(
      async () => {
        const l = await list(manager);
        return l.breaches >= 2 && l.warnings >= 1 ? l : undefined;
      },
      30_000,
      'two breaches and a warning on the list',
    );
    breachE1Chaoyang = seen.items.find((i) => i.level === 'BREACH' && i.counterId === 'chaoyang-cbd')!.clockId;
    breachE2Haidian = seen.items.find((i) => i.level === 'BREACH' && i.counterId === 'haidian-zgc')!.clockId;
    warningE1 = seen.items.find((i) => i.level === 'WARNING')!.clockId;
    // The officer opens the list once: from then on an entry can be assigned to them.
    await list(wp);
  }, 180_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it('lists breaches first (most overdue first), then warnings, with counts that match slaBreaches(open)', async () => {
    const l = await list(manager);
    expect(l.items.map((i) => i.level)).toEqual(['BREACH', 'BREACH', 'WARNING']);
    expect(l.items[0]!.clockId).toBe(breachE1Chaoyang);
    expect(l.items[0]!.overdueMinutes).toBeGreaterThan(l.items[1]!.overdueMinutes);
    expect(l.items[2]!.threshold).toBe(50);
    expect(l.items[2]!.overdueMinutes).toBeLessThan(0);
    const open = await sys.gql<{ slaBreaches: { totalCount: number } }>(
      `{ slaBreaches(filter: { open: true }) { totalCount } }`,
      {},
      manager,
    );
    expect(l.breaches).toBe(open.data!.slaBreaches.totalCount);
    expect(l.totalCount).toBe(3);
  });

  it('filters by kind, district, counter, level and state', async () => {
    expect((await list(manager, { district: 'Haidian' })).items.map((i) => i.clockId)).toEqual([breachE2Haidian]);
    expect((await list(manager, { counterId: 'chaoyang-cbd' })).totalCount).toBe(2);
    expect((await list(manager, { level: 'WARNING' })).items.map((i) => i.clockId)).toEqual([warningE1]);
    expect((await list(manager, { kind: 'ISSUANCE' })).totalCount).toBe(0);
    expect((await list(manager, { state: 'UNACKNOWLEDGED' })).totalCount).toBe(3);
  });

  it('scopes entries like every SLA read: an agency sees only its employers', async () => {
    const agency = await sys.token('AGENCY', { sub: 'agency-e2', agencyId: 'agency-test', employerIds: [E2] });
    const l = await list(agency);
    expect(l.items.map((i) => i.clockId)).toEqual([breachE2Haidian]);
    const res = await sys.gql(ACK, { clockId: breachE2Haidian }, agency);
    expect(codeOf(res)).toBe('FORBIDDEN');
    const clerk = await sys.token('CLERK');
    expect(codeOf(await sys.gql(ACK, { clockId: breachE2Haidian }, clerk))).toBe('FORBIDDEN');
    expect(codeOf(await sys.gql(ACK, { clockId: breachE2Haidian }, null))).toBe('UNAUTHENTICATED');
    expect(await writes()).toEqual({ followUps: 0, entries: 0, events: 0 });
  });

  it('refuses bad input with a stable code and writes nothing', async () => {
    const before = await writes();
    expect(codeOf(await sys.gql(ACK, { clockId: 'not-a-clock' }, manager))).toBe('BAD_USER_INPUT');
    expect(codeOf(await sys.gql(ACK, { clockId: '00000000-0000-4000-8000-000000000000' }, manager))).toBe('NOT_FOUND');
    expect(codeOf(await sys.gql(NOTE, { clockId: breachE2Haidian, text: '   ' }, manager))).toBe('BAD_USER_INPUT');
    expect(codeOf(await sys.gql(NOTE, { clockId: breachE2Haidian, text: 'x'.repeat(2001) }, manager))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(await sys.gql(ASSIGN, { clockId: breachE2Haidian, assigneeId: 'nobody' }, manager))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(await sys.gql(LIST, { first: 0 }, manager))).toBe('BAD_USER_INPUT');
    expect(await writes()).toEqual(before);
  });

  it('two managers acknowledging the same breach at once: one wins, the other gets CONFLICT, one audit row', async () => {
    const before = await writes();
    const [r1, r2] = await Promise.all([
      sys.gql<{ acknowledgeSlaEntry: Item }>(ACK, { clockId: breachE1Chaoyang }, manager),
      sys.gql<{ acknowledgeSlaEntry: Item }>(ACK, { clockId: breachE1Chaoyang }, manager2),
    ]);
    const wins = [r1, r2].filter((r) => !r.errors);
    const losses = [r1, r2].filter((r) => r.errors);
    expect(wins).toHaveLength(1);
    expect(losses).toHaveLength(1);
    expect(codeOf(losses[0]!)).toBe('CONFLICT');
    expect(losses[0]!.errors![0]!.extensions!.reason).toBe('ALREADY_ACKNOWLEDGED');
    const item = wins[0]!.data!.acknowledgeSlaEntry;
    expect(item.acknowledged).toBe(true);
    expect(['Zhao Min', 'Sun Li']).toContain(item.acknowledgedBy!.name);
    expect(item.history.map((h) => h.action)).toEqual(['ACKNOWLEDGED']);
    expect(await writes()).toEqual({
      followUps: before.followUps + 1,
      entries: before.entries + 1,
      events: before.events + 1,
    });
    // Counted once: the list still holds the breach once, now acknowledged.
    const l = await list(manager, { state: 'ACKNOWLEDGED' });
    expect(l.items.map((i) => i.clockId)).toEqual([breachE1Chaoyang]);
    expect(l.breaches).toBe(1);
  });

  it('replays a retried mutation with the same idempotency key instead of doing it twice', async () => {
    const before = await writes();
    const key = 'note-retry-1';
    const [a, b] = await Promise.all([
      sys.gql<{ addSlaNote: Item }>(NOTE, { clockId: breachE2Haidian, text: 'Called the counter', key }, wp),
      sys.gql<{ addSlaNote: Item }>(NOTE, { clockId: breachE2Haidian, text: 'Called the counter', key }, wp),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    const again = await sys.gql<{ addSlaNote: Item }>(
      NOTE,
      { clockId: breachE2Haidian, text: 'Called the counter', key },
      wp,
    );
    expect(again.errors).toBeUndefined();
    expect(again.data!.addSlaNote.history.filter((h) => h.action === 'NOTED')).toHaveLength(1);
    expect(await writes()).toEqual({
      followUps: before.followUps,
      entries: before.entries + 1,
      events: before.events + 1,
    });
    // The same key for another action is a mistake, said as such.
    const reused = await sys.gql(ACK, { clockId: breachE2Haidian, key }, wp);
    expect(codeOf(reused)).toBe('CONFLICT');
    expect(reused.errors![0]!.extensions!.reason).toBe('IDEMPOTENCY_KEY_REUSED');
    // An acknowledgement retried with its key answers the same, once.
    const ack1 = await sys.gql<{ acknowledgeSlaEntry: Item }>(ACK, { clockId: breachE2Haidian, key: 'ack-1' }, wp);
    const ack2 = await sys.gql<{ acknowledgeSlaEntry: Item }>(ACK, { clockId: breachE2Haidian, key: 'ack-1' }, wp);
    expect(ack1.errors).toBeUndefined();
    expect(ack2.errors).toBeUndefined();
    expect(ack2.data!.acknowledgeSlaEntry.history.filter((h) => h.action === 'ACKNOWLEDGED')).toHaveLength(1);
  });

  it('assigns to an officer and notes, stored with who and when, and pushes each change live through the gateway', async () => {
    const client = wsClient(sys.gatewayUrl, manager2);
    const sub = collect<{ slaWorkListChanged: { eventId: string; type: string; clockId: string; action: string } }>(
      client,
      { query: `subscription { slaWorkListChanged { eventId type clockId action } }` },
    );
    try {
      const assignees = await sys.gql<{ slaAssignees: { id: string; name: string; role: string }[] }>(
        `{ slaAssignees { id name role } }`,
        {},
        manager,
      );
      const officer = assignees.data!.slaAssignees.find((p) => p.name === 'Li Wei')!;
      expect(officer.role).toBe('WP_OFFICER');
      // Let the subscription be in place before the change.
      await new Promise((r) => setTimeout(r, 1000));
      const assigned = await sys.gql<{ assignSlaEntry: Item }>(
        ASSIGN,
        { clockId: warningE1, assigneeId: officer.id },
        manager,
      );
      expect(assigned.errors).toBeUndefined();
      expect(assigned.data!.assignSlaEntry.assignee!.name).toBe('Li Wei');
      const noted = await sys.gql<{ addSlaNote: Item }>(NOTE, { clockId: warningE1, text: 'On it' }, wp);
      expect(noted.data!.addSlaNote.history.map((h) => [h.action, h.by.name, h.by.role])).toEqual([
        ['ASSIGNED', 'Zhao Min', 'MANAGER'],
        ['NOTED', 'Li Wei', 'WP_OFFICER'],
      ]);
      await sub.waitFor(2, 20_000);
      const mine = sub.results.map((r) => r.data!.slaWorkListChanged).filter((c) => c.clockId === warningE1);
      expect(mine.map((c) => c.action)).toEqual(['ASSIGNED', 'NOTED']);
      // Stored: another person reads the same history.
      const l = await list(manager2, { state: 'UNASSIGNED' });
      expect(l.items.map((i) => i.clockId)).not.toContain(warningE1);
      const mineList = await list(wp, { state: 'ASSIGNED_TO_ME' });
      expect(mineList.items.map((i) => i.clockId)).toEqual([warningE1]);
      const audit = await sys.sql.query(
        `SELECT action, actor_id, actor_name, actor_role, at FROM cs.sla_follow_up_entry WHERE clock_id = $1 ORDER BY at, id`,
        [warningE1],
      );
      expect(audit.rows.map((r) => [r.action, r.actor_id, r.actor_role])).toEqual([
        ['ASSIGNED', 'manager-a', 'MANAGER'],
        ['NOTED', 'wp-a', 'WP_OFFICER'],
      ]);
    } finally {
      sub.stop();
      await client.dispose();
    }
  });

  it('a breach after an acknowledged warning is new again', async () => {
    const r = await sys.gql<{ acknowledgeSlaEntry: Item }>(ACK, { clockId: warningE1 }, manager);
    expect(r.data!.acknowledgeSlaEntry.acknowledged).toBe(true);
    await sys.advanceClock(20 * MINUTE);
    const item = await waitFor(
      async () => (await list(manager)).items.find((i) => i.clockId === warningE1 && i.level === 'BREACH'),
      30_000,
      'the warning to become a breach',
    );
    expect(item.acknowledged).toBe(false);
    expect(item.threshold).toBe(100);
  });
});
