/**
 * SLA clocks (issue 3): clocks start, stop and restart from the other subgraphs' events;
 * warnings and breaches are emitted once, soon after they fall due; breaches are listed and
 * pushed live; thresholds are a MANAGER's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '@onestop/common/contract';
import { DEMO_AGENCIES, DEMO_EMPLOYERS } from '@onestop/common/testing';
import {
  startTestSystem,
  waitFor,
  type TestSystem,
  businessNow,
  CaseEvents,
  consumed,
  subscribeAlerts,
} from '../../testkit/index.js';

const MINUTE = 60_000;
const E1 = DEMO_EMPLOYERS[0].id; // agency 0
const E3 = DEMO_EMPLOYERS[2].id; // agency 1

describe('SLA clocks', () => {
  let sys: TestSystem;
  let manager: string;
  let agency0: string;

  beforeAll(async () => {
    sys = await startTestSystem();
    manager = await sys.token('MANAGER');
    agency0 = await sys.token('AGENCY', {
      agencyId: DEMO_AGENCIES[0].id,
      employerIds: [...DEMO_AGENCIES[0].employerIds],
    });
  });
  afterAll(async () => {
    await sys?.stop();
  });

  const headId = async (): Promise<string> =>
    (await sys.sql.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM platform.event_log')).rows[0]!
      .id;

  describe('start, stop and restart from events', () => {
    it('pre-examination: stops (not breached) at a return, a resubmission starts a fresh clock, the pass meets it', async () => {
      const c = new CaseEvents(sys, E1, 'B');
      const t0 = await businessNow(sys);
      await c.submitted(t0);
      const [first] = await waitFor(
        async () => {
          const clocks = await c.clocks();
          return clocks.length === 1 && clocks;
        },
        15_000,
        'the pre-examination clock',
      );
      expect(first).toMatchObject({
        kind: 'PRE_EXAMINATION',
        state: 'RUNNING',
        counterId: null,
        employerId: E1,
        category: 'B',
        provisional: false,
      });
      expect(first!.thresholds).toEqual([50, 75, 100]);

      await c.returned(new Date(t0.getTime() + 5 * MINUTE));
      await waitFor(async () => (await c.clocks())[0]?.state === 'STOPPED', 15_000, 'the return to stop the clock');

      const t1 = new Date(t0.getTime() + 60 * MINUTE);
      await c.submitted(t1, { resubmission: true });
      const clocks = await waitFor(
        async () => {
          const all = await c.clocks();
          return all.length === 2 && all;
        },
        15_000,
        'a new clock at resubmission',
      );
      expect(clocks.map((k) => [k.kind, k.state])).toEqual([
        ['PRE_EXAMINATION', 'STOPPED'],
        ['PRE_EXAMINATION', 'RUNNING'],
      ]);
      expect(clocks[0]!.stoppedAt).toEqual(new Date(t0.getTime() + 5 * MINUTE));
      expect(clocks[1]!.startedAt).toEqual(t1);
      expect(clocks[1]!.id).not.toBe(clocks[0]!.id);

      await c.preExamPassed(new Date(t1.getTime() + 10 * MINUTE));
      await waitFor(async () => (await c.clocks())[1]?.state === 'MET', 15_000, 'the pass to meet the clock');
      expect((await c.clocks())[0]!.state).toBe('STOPPED');
      expect(await c.slaEvents()).toEqual([]);
    });

    it('issuance stops only when both permits are decided; passport custody stops at the claim', async () => {
      const c = new CaseEvents(sys, E1, 'C');
      const t0 = await businessNow(sys);
      await c.submitted(t0);
      await c.preExamPassed(t0);
      await c.documentsAccepted(t0, 'chaoyang-cbd');
      const byKind = async (): Promise<Record<string, string>> =>
        Object.fromEntries((await c.clocks()).map((k) => [k.kind, k.state]));
      await waitFor(async () => (await byKind()).PASSPORT_CUSTODY === 'RUNNING', 15_000, 'acceptance clocks');
      const accepted = (await c.clocks()).filter((k) => k.kind !== 'PRE_EXAMINATION');
      expect(accepted.map((k) => [k.kind, k.counterId, k.category])).toEqual([
        ['ISSUANCE', 'chaoyang-cbd', 'C'],
        ['PASSPORT_CUSTODY', 'chaoyang-cbd', 'C'],
      ]);

      await consumed(sys, await c.decided(EVENT_TYPES.workPermitIssued, t0));
      expect(await byKind()).toEqual({ PRE_EXAMINATION: 'MET', ISSUANCE: 'RUNNING', PASSPORT_CUSTODY: 'RUNNING' });

      await consumed(sys, await c.decided(EVENT_TYPES.residencePermitRefused, t0));
      expect(await byKind()).toEqual({ PRE_EXAMINATION: 'MET', ISSUANCE: 'MET', PASSPORT_CUSTODY: 'RUNNING' });

      await consumed(sys, await c.claimRecorded(t0, 'chaoyang-cbd'));
      expect(await byKind()).toEqual({ PRE_EXAMINATION: 'MET', ISSUANCE: 'MET', PASSPORT_CUSTODY: 'MET' });
      expect(await c.slaEvents()).toEqual([]);
    });

    it('a withdrawal cancels the running clocks', async () => {
      const c = new CaseEvents(sys, E3, 'A');
      const t0 = await businessNow(sys);
      await c.submitted(t0);
      await waitFor(async () => (await c.clocks()).length === 1, 15_000, 'the clock');
      await c.withdrawn(t0);
      await waitFor(async () => (await c.clocks())[0]?.state === 'CANCELLED', 15_000, 'the withdrawal');
    });
  });

  describe('warnings and breaches', () => {
    it('emits 50, 75 and the breach once each soon after the clock passes them; a late stop resolves the breach', async () => {
      const c = new CaseEvents(sys, E1, 'B');
      const t0 = await businessNow(sys);
      const ticket = await c.ticketIssued(t0, 'dongcheng');
      await waitFor(async () => (await c.clocks()).length === 1, 15_000, 'the counter-wait clock');

      await sys.advanceClock(16 * MINUTE);
      await waitFor(async () => (await c.slaEvents()).length === 1, 15_000, 'the 50% warning');
      expect(await c.slaEvents()).toEqual(['sla.warning:50']);

      await sys.advanceClock(15 * MINUTE); // past 75% and the breach at once
      await waitFor(async () => (await c.slaEvents()).length === 3, 15_000, 'the breach');
      expect(await c.slaEvents()).toEqual(['sla.warning:50', 'sla.warning:75', 'sla.breached:100']);
      expect((await c.clocks())[0]).toMatchObject({ state: 'BREACHED', lastThreshold: 100, stoppedAt: null });

      // Several sweeps later, still exactly once each.
      await new Promise((r) => setTimeout(r, 600));
      expect(await c.slaEvents()).toEqual(['sla.warning:50', 'sla.warning:75', 'sla.breached:100']);

      const list = await sys.gql<{
        slaBreaches: { edges: { node: { case: { id: string }; open: boolean; kind: string; counterId: string } }[] };
      }>(
        `query ($f: SlaBreachFilter) { slaBreaches(filter: $f) { edges { node { case { id } open kind counterId } } } }`,
        { f: { counterId: 'dongcheng', open: true } },
        manager,
      );
      expect(list.errors).toBeUndefined();
      expect(list.data!.slaBreaches.edges.map((e) => e.node)).toContainEqual({
        case: { id: c.caseId },
        open: true,
        kind: 'COUNTER_WAIT',
        counterId: 'dongcheng',
      });

      await c.ticketCalled(ticket, await businessNow(sys), 'dongcheng');
      await waitFor(async () => (await c.slaEvents()).length === 4, 15_000, 'the resolution');
      expect((await c.slaEvents())[3]).toBe('sla.resolved:100');
      const [breach] = (
        await sys.sql.query<{ resolved_at: Date | null }>('SELECT resolved_at FROM cs.sla_breach WHERE case_id = $1', [
          c.caseId,
        ])
      ).rows;
      expect(breach!.resolved_at).not.toBeNull();
      expect((await c.clocks())[0]).toMatchObject({ state: 'BREACHED' });
      expect((await c.clocks())[0]!.stoppedAt).not.toBeNull();
    });

    it('a late stop still emits, once, a warning that fell due before it, and nothing after it', async () => {
      const c = new CaseEvents(sys, E1, 'B');
      const t0 = await businessNow(sys);
      // The events arrive late: ticket issued 20 minutes ago (50% fell due 5 minutes ago, 75%
      // is 2.5 minutes ahead), called 2 minutes ago.
      const ticket = await c.ticketIssued(new Date(t0.getTime() - 20 * MINUTE), 'xicheng');
      await consumed(sys, await c.ticketCalled(ticket, new Date(t0.getTime() - 2 * MINUTE), 'xicheng'));
      expect((await c.clocks())[0]!.state).toBe('MET');
      await sys.advanceClock(5 * MINUTE);
      await new Promise((r) => setTimeout(r, 600));
      expect(await c.slaEvents()).toEqual(['sla.warning:50']);
    });
  });

  describe('slaBreaches', () => {
    const cases: CaseEvents[] = [];

    beforeAll(async () => {
      const t0 = await businessNow(sys);
      const specs: [string, 'A' | 'B' | 'C', string][] = [
        [E1, 'B', 'haidian-zgc'],
        [E1, 'C', 'haidian-zgc'],
        [E3, 'B', 'haidian-zgc'],
        [E3, 'C', 'fengtai'],
        [E1, 'A', 'fengtai'],
      ];
      for (const [employer, category, counter] of specs) {
        const c = new CaseEvents(sys, employer, category);
        cases.push(c);
        await c.submitted(t0);
        await c.ticketIssued(t0, counter);
      }
      await waitFor(
        async () => {
          for (const c of cases) if ((await c.clocks()).length < 2) return false;
          return true;
        },
        10_000,
        'the clocks',
      );
      await sys.advanceClock(31 * MINUTE);
      await waitFor(
        async () => {
          for (const c of cases) if (!(await c.slaEvents()).includes('sla.breached:100')) return false;
          return true;
        },
        15_000,
        'the breaches',
      );
    });

    type Page = {
      slaBreaches: {
        totalCount: number;
        edges: { cursor: string; node: { case: { id: string }; category: string; counterId: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const query = `query ($f: SlaBreachFilter, $first: Int, $after: String) {
      slaBreaches(filter: $f, first: $first, after: $after) {
        totalCount edges { cursor node { case { id } category counterId } } pageInfo { hasNextPage endCursor }
      }
    }`;

    it('rejects an unauthenticated caller', async () => {
      const res = await sys.gql(query, {}, null);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('filters by counter, category and kind', async () => {
      const atZgc = await sys.gql<Page>(query, { f: { counterId: 'haidian-zgc', kind: 'COUNTER_WAIT' } }, manager);
      expect(atZgc.errors).toBeUndefined();
      expect(atZgc.data!.slaBreaches.totalCount).toBe(3);
      expect(new Set(atZgc.data!.slaBreaches.edges.map((e) => e.node.case.id))).toEqual(
        new Set(cases.slice(0, 3).map((c) => c.caseId)),
      );
      const fengtaiC = await sys.gql<Page>(query, { f: { counterId: 'fengtai', category: 'C' } }, manager);
      expect(fengtaiC.data!.slaBreaches.edges.map((e) => e.node.case.id)).toEqual([cases[3]!.caseId]);
      const preExam = await sys.gql<Page>(query, { f: { kind: 'PRE_EXAMINATION', counterId: 'fengtai' } }, manager);
      expect(preExam.data!.slaBreaches.totalCount).toBe(0);
    });

    it('pages through with cursors, newest first, without gaps or repeats', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let total = 0;
      for (let page = 0; page < 10; page++) {
        const res: { data?: Page | null; errors?: unknown } = await sys.gql<Page>(
          query,
          { first: 2, after, f: { kind: 'COUNTER_WAIT' } },
          manager,
        );
        expect(res.errors).toBeUndefined();
        const conn = res.data!.slaBreaches;
        total = conn.totalCount;
        expect(conn.edges.length).toBeLessThanOrEqual(2);
        seen.push(...conn.edges.map((e) => e.node.case.id));
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      for (const c of cases) expect(seen).toContain(c.caseId);
    });

    it("shows an agency only its employers' breaches", async () => {
      const res = await sys.gql<Page>(query, { f: { counterId: 'haidian-zgc' } }, agency0);
      expect(res.errors).toBeUndefined();
      expect(res.data!.slaBreaches.edges.map((e) => e.node.case.id).sort()).toEqual(
        [cases[0]!.caseId, cases[1]!.caseId].sort(),
      );
      const other = await sys.token('AGENCY', { agencyId: 'agency-none', employerIds: [] });
      expect((await sys.gql<Page>(query, {}, other)).data!.slaBreaches.totalCount).toBe(0);
    });

    it('lists every problem with bad arguments', async () => {
      const res = await sys.gql(query, { first: 0, after: 'not-a-cursor', f: { category: 'Z' } }, manager);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.extensions?.problems).toEqual([
        'category: must be one of A, B, C, got "Z"',
        'first must be a whole number from 1 to 100, got 0',
        'after is not a cursor this list returned',
      ]);
    });
  });

  describe('Subscription.slaBreached (directly on the subgraph, over graphql-ws)', () => {
    it('pushes warnings and breaches live, scoped for an agency, and replays from `since`', async () => {
      const since = await headId();
      const all = subscribeAlerts(sys, manager, { since });
      const mine = subscribeAlerts(sys, agency0, { since });
      const breachesOnly = subscribeAlerts(sys, manager, {
        since,
        filter: { breachesOnly: true, counterId: 'tongzhou' },
      });
      const ours = new CaseEvents(sys, E1, 'C');
      const theirs = new CaseEvents(sys, E3, 'B');
      const t0 = await businessNow(sys);
      await ours.submitted(t0);
      await theirs.submitted(t0);
      await ours.ticketIssued(t0, 'tongzhou');
      await theirs.ticketIssued(t0, 'tongzhou');
      await waitFor(async () => (await theirs.clocks()).length === 2, 15_000, 'the clocks');
      await sys.advanceClock(31 * MINUTE);

      const forCase = (alerts: typeof all.alerts, id: string): number[] =>
        alerts.filter((a) => a.case.id === id).map((a) => a.threshold);
      await waitFor(
        () => forCase(all.alerts, theirs.caseId).length === 3 && forCase(all.alerts, ours.caseId).length === 3,
        15_000,
        'manager alerts',
      );
      await waitFor(() => forCase(mine.alerts, ours.caseId).length === 3, 15_000, 'agency alerts');
      await waitFor(() => breachesOnly.alerts.length >= 2, 15_000, 'breach-only alerts');
      expect(forCase(all.alerts, ours.caseId)).toEqual([50, 75, 100]);
      expect(all.alerts.find((a) => a.case.id === ours.caseId && a.breach)).toMatchObject({
        kind: 'COUNTER_WAIT',
        threshold: 100,
        counterId: 'tongzhou',
        category: 'C',
      });
      expect(mine.alerts.every((a) => a.case.id !== theirs.caseId)).toBe(true);
      expect(breachesOnly.alerts.every((a) => a.breach && a.counterId === 'tongzhou')).toBe(true);
      expect(new Set(breachesOnly.alerts.map((a) => a.case.id))).toEqual(new Set([ours.caseId, theirs.caseId]));

      // A client that reconnects with the last id it saw gets exactly what came after.
      const seen = forCase(all.alerts, ours.caseId);
      const firstOfOurs = all.alerts.find((a) => a.case.id === ours.caseId)!;
      const replay = subscribeAlerts(sys, agency0, { since: firstOfOurs.eventId });
      await waitFor(() => forCase(replay.alerts, ours.caseId).length === seen.length - 1, 15_000, 'the replay');
      expect(forCase(replay.alerts, ours.caseId)).toEqual(seen.slice(1));
      for (const s of [all, mine, breachesOnly, replay]) {
        expect(s.errors).toEqual([]);
        s.close();
      }
    });

    it('refuses an unauthenticated subscriber and a bad `since`', async () => {
      const anon = subscribeAlerts(sys, null);
      await anon.done;
      expect(JSON.stringify(anon.errors)).toContain('UNAUTHENTICATED');
      const bad = subscribeAlerts(sys, manager, { since: 'yesterday', filter: { category: 'Q' } });
      await bad.done;
      expect(JSON.stringify(bad.errors)).toContain('BAD_USER_INPUT');
      expect(JSON.stringify(bad.errors)).toContain('category: must be one of A, B, C');
      anon.close();
      bad.close();
    });
  });

  describe('thresholds', () => {
    const mutation = `mutation ($input: SlaThresholdsInput!) {
      updateSlaThresholds(input: $input) { counterWaitMinutes passportCustodyWorkingDays warningPercents updatedBy }
    }`;
    const changedEvents = async (): Promise<number> =>
      (await sys.sql.query(`SELECT 1 FROM platform.event_log WHERE type = 'sla.thresholds-changed'`)).rowCount ?? 0;

    it('reads the defaults', async () => {
      const res = await sys.gql<{ slaThresholds: unknown }>(
        '{ slaThresholds { counterWaitMinutes passportCustodyWorkingDays warningPercents updatedAt } }',
        {},
        agency0,
      );
      expect(res.data?.slaThresholds).toEqual({
        counterWaitMinutes: 30,
        passportCustodyWorkingDays: 10,
        warningPercents: [50, 75],
        updatedAt: null,
      });
    });

    it('refuses anyone but a MANAGER, and an unauthenticated caller', async () => {
      for (const role of ['AGENCY', 'CLERK', 'WP_OFFICER', 'EE_OFFICER'] as const) {
        const res = await sys.gql(mutation, { input: { counterWaitMinutes: 5 } }, await sys.token(role));
        expect(res.errors?.[0]?.extensions?.code, role).toBe('FORBIDDEN');
      }
      expect((await sys.gql(mutation, { input: { counterWaitMinutes: 5 } }, null)).errors?.[0]?.extensions?.code).toBe(
        'UNAUTHENTICATED',
      );
      expect(await changedEvents()).toBe(0);
    });

    it('lists every problem with bad thresholds and writes nothing', async () => {
      const res = await sys.gql(
        mutation,
        { input: { counterWaitMinutes: 0, passportCustodyWorkingDays: 61, warningPercents: [80, 40] } },
        manager,
      );
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.extensions?.problems).toEqual([
        'counterWaitMinutes: must be a whole number of minutes from 1 to 480, got 0',
        'passportCustodyWorkingDays: must be a whole number of working days from 1 to 60, got 61',
        'warningPercents[1]: 40 must be greater than the warning before it (80)',
      ]);
      expect(await changedEvents()).toBe(0);
      const row = (await sys.sql.query('SELECT counter_wait_minutes, updated_by FROM cs.sla_thresholds')).rows[0];
      expect(row).toEqual({ counter_wait_minutes: 30, updated_by: null });
    });

    it('applies a change to clocks started afterwards only', async () => {
      const before = new CaseEvents(sys, E1, 'B');
      const t0 = await businessNow(sys);
      await before.ticketIssued(t0, 'shunyi');
      await waitFor(async () => (await before.clocks()).length === 1, 15_000, 'the first clock');

      const res = await sys.gql<{ updateSlaThresholds: unknown }>(
        mutation,
        { input: { counterWaitMinutes: 10, warningPercents: [40, 80] } },
        manager,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.updateSlaThresholds).toEqual({
        counterWaitMinutes: 10,
        passportCustodyWorkingDays: 10,
        warningPercents: [40, 80],
        updatedBy: 'manager-test',
      });
      expect(await changedEvents()).toBe(1);

      const after = new CaseEvents(sys, E1, 'B');
      await after.ticketIssued(t0, 'shunyi');
      const [clock] = await waitFor(
        async () => {
          const k = await after.clocks();
          return k.length === 1 && k;
        },
        15_000,
        'the second clock',
      );
      expect(clock!.thresholds).toEqual([40, 80, 100]);
      expect(clock!.dueAt.getTime() - clock!.startedAt.getTime()).toBe(10 * MINUTE);
      const [old] = await before.clocks();
      expect(old!.thresholds).toEqual([50, 75, 100]);
      expect(old!.dueAt.getTime() - old!.startedAt.getTime()).toBe(30 * MINUTE);
    });
  });
});
