import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OneStopClaims } from '@onestop/common';
import {
  DEMO_AGENCIES,
  demoAgencyClaims,
  startSubgraphTestRuntime,
  type SubgraphTestRuntime,
} from '@onestop/common/testing';
import { AppointmentEntity } from '../modules/counter-operations/appointment/appointment.entity.js';
import { ServiceCounterEntity } from '../modules/counter-operations/counter/counter.entity.js';
import { seedCounters } from '../modules/counter-operations/counter/counter.seed.js';
import { servicesOf } from '../context.js';
import { CaseReadinessEntity } from '../modules/counter-operations/readiness/case-readiness.entity.js';
import { counterSchedulingSubgraph } from '../subgraph.js';

/**
 * Batching and scoping of counter-scheduling's `_entities` (Case: sla, appointment and its
 * counter; ServiceCounter), proven by counting the statements the DataSource runs (`onQuery`)
 * through the real subgraph schema.
 */
let t: SubgraphTestRuntime;
/** Cases of the first agency's employers, and of the second's. */
const mine: string[] = [];
const theirs: string[] = [];
let counterIds: string[] = [];
const agency = demoAgencyClaims(0);
const manager: OneStopClaims = { sub: 'manager-1', role: 'MANAGER', name: 'Manager One' };

beforeAll(async () => {
  t = await startSubgraphTestRuntime(counterSchedulingSubgraph, {
    seed: (runtime) => seedCounters(runtime.ds),
  });
  const { ds } = t.runtime;
  counterIds = (await ds.getRepository(ServiceCounterEntity).find({ order: { id: 'ASC' } })).map((c) => c.id);
  const now = t.clock.now();
  for (let i = 0; i < 10; i++) {
    const caseId = randomUUID();
    const a = DEMO_AGENCIES[i < 5 ? 0 : 1];
    const employerId = a.employerIds[i % 2]!;
    (i < 5 ? mine : theirs).push(caseId);
    await ds.getRepository(CaseReadinessEntity).insert({
      caseId,
      reference: `OS-2026-${900000 + i}`,
      employerId,
      agencyId: a.id,
      category: 'B',
      preExamPassed: true,
      wpMaterials: null,
      rpMaterials: null,
      interview: null,
      readyForClaim: false,
      withdrawn: false,
      lastEventId: String(i + 1),
      updatedAt: now,
    });
    const slotStart = new Date(now.getTime() + (i + 1) * 86_400_000);
    // A cancelled appointment first, then the booked one: the booked one is the case's appointment.
    for (const status of ['CANCELLED', 'BOOKED'] as const) {
      await ds.getRepository(AppointmentEntity).insert({
        id: randomUUID(),
        caseId,
        counterId: counterIds[i % counterIds.length]!,
        employerId,
        agencyId: a.id,
        slotStart,
        slotEnd: new Date(slotStart.getTime() + 30 * 60_000),
        status,
        letterNumber: `AL-2026-${status === 'BOOKED' ? 8 : 7}${String(i).padStart(5, '0')}`,
        replacesId: null,
        replacedById: null,
        reason: null,
        idempotencyKey: `${caseId}-${status}`,
        bookedBy: `agency-${i}`,
        bookedAt: new Date(now.getTime() + (status === 'BOOKED' ? 1000 : 0)),
        cancelledAt: status === 'CANCELLED' ? now : null,
        checkedInAt: null,
        noShowAt: null,
      });
    }
    await ds.query(
      `INSERT INTO cs.sla_clock (id, case_id, kind, basis, target_working_days, employer_id, category, started_at,
         due_at, provisional, thresholds, fire_ats, state, start_event_id, updated_at)
       VALUES ($1, $2, 'PRE_EXAMINATION', 'WORKING_DAYS', 3, $3, 'B', $4, $5, false, '{}', '{}', 'MET', $6, $4)`,
      [randomUUID(), caseId, employerId, now, new Date(now.getTime() + 3 * 86_400_000), i + 1],
    );
  }
});
afterAll(async () => {
  await t?.stop();
});

const CASES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Case {
  id sla { kind state } appointment { letterNumber status counter { id name } } } } }`;
type Entities = {
  _entities: ({
    id: string;
    sla: { kind: string; state: string }[] | null;
    appointment: { letterNumber: string; status: string; counter: { id: string; name: string } | null } | null;
  } | null)[];
};
const reps = (ids: string[]): { r: { __typename: string; id: string }[] } => ({
  r: ids.map((id) => ({ __typename: 'Case', id })),
});

describe("counter-scheduling's _entities: one statement per entity type per fetch, scoped", () => {
  it('ten cases (and an unknown id): one statement for the clocks, one for the appointments with their counters', async () => {
    const ids = [...mine, ...theirs, randomUUID()];
    const { result, byTable } = await t.countStatements(() => t.exec<Entities>(CASES, reps(ids), manager));
    expect(result.errors).toBeUndefined();
    const got = result.data!._entities;
    for (const [i, e] of got.slice(0, 10).entries()) {
      expect(e?.sla).toEqual([{ kind: 'PRE_EXAMINATION', state: 'MET' }]);
      expect(e?.appointment).toMatchObject({
        status: 'BOOKED',
        letterNumber: `AL-2026-8${String(i).padStart(5, '0')}`,
      });
      expect(e?.appointment?.counter?.id).toBe(counterIds[i % counterIds.length]);
      expect(e?.appointment?.counter?.name).toBeTruthy();
    }
    expect(got[10]).toEqual({ id: ids[10], sla: [], appointment: null });
    expect(byTable).toEqual({ sla_clock: 1, appointment: 1 });
  });

  it('an agency batch mixing its cases and others: the others resolve to null, each table read once', async () => {
    const ids = [mine[0]!, theirs[0]!, mine[1]!, theirs[1]!];
    const { result, byTable } = await t.countStatements(() => t.exec<Entities>(CASES, reps(ids), agency));
    expect(result.errors).toBeUndefined();
    const got = result.data!._entities;
    expect(got.map((e) => e?.id ?? null)).toEqual([mine[0], null, mine[1], null]);
    expect(got[0]?.appointment?.status).toBe('BOOKED');
    expect(got[2]?.sla).toHaveLength(1);
    expect(byTable).toEqual({ case_readiness: 1, sla_clock: 1, appointment: 1 });
  });

  it('ServiceCounter references: one statement for the batch, an unknown id resolves to null', async () => {
    const ids = [...counterIds.slice(0, 3), 'no-such-counter'];
    const { result, byTable } = await t.countStatements(() =>
      t.exec<{ _entities: ({ id: string; name: string } | null)[] }>(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on ServiceCounter { id name } } }`,
        { r: ids.map((id) => ({ __typename: 'ServiceCounter', id })) },
        manager,
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities.map((e) => e?.id ?? null)).toEqual([...counterIds.slice(0, 3), null]);
    expect(byTable).toEqual({ service_counter: 1 });
  });

  it('reads the same values TypeORM hydrates (appointments, counters)', async () => {
    const ops = servicesOf(t.runtime).ops;
    const actor = { id: 'm', role: 'MANAGER', name: 'M', agencyId: null, employerIds: [], counterId: null } as const;
    const { byCase, counters } = await ops.appointments.latestByCase(actor, mine);
    const hydrated = await t.runtime.ds.getRepository(AppointmentEntity).find({ where: { status: 'BOOKED' } });
    for (const h of hydrated.filter((a) => mine.includes(a.caseId))) expect(byCase.get(h.caseId)).toEqual({ ...h });
    expect(byCase.size).toBe(5);
    const allCounters = await t.runtime.ds.getRepository(ServiceCounterEntity).find();
    const lean = await ops.counters.findByIds(allCounters.map((c) => c.id));
    for (const c of allCounters) expect(lean.get(c.id)).toEqual({ ...c });
    for (const [id, c] of counters) expect(c).toEqual({ ...allCounters.find((x) => x.id === id)! });
  });
});
