import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorFromClaims, type OneStopClaims } from '@onestop/common';
import { decodeEvent, EVENT_TYPES } from '@onestop/common/contract';
import {
  DEMO_AGENCIES,
  demoAgencyClaims,
  DEMO_EMPLOYERS,
  startSubgraphTestRuntime,
  type SubgraphTestRuntime,
} from '@onestop/common/testing';
// The whole subgraph, through its package entry (a spec of the wiring, not a module's import of it).
import { residencePermitSubgraph, servicesOf } from '../../index.js';
import { ResidencePermitEntity } from './residence-permit.entity.js';

/**
 * Batching and scoping of `Case.residencePermit` under `_entities`, proven by counting the
 * statements the DataSource runs (`onQuery`) through the real subgraph schema.
 */
let t: SubgraphTestRuntime;
/** Five cases of the first agency's employers, five of the second's. */
const mine: string[] = [];
const theirs: string[] = [];
const agency = demoAgencyClaims(0);
const officer: OneStopClaims = { sub: 'ee-officer-1', role: 'EE_OFFICER', name: 'Officer One' };

beforeAll(async () => {
  t = await startSubgraphTestRuntime(residencePermitSubgraph);
  const { filing } = servicesOf(t.runtime);
  for (let i = 0; i < 10; i++) {
    const caseId = randomUUID();
    const employerId = (i < 5 ? DEMO_AGENCIES[0] : DEMO_AGENCIES[1]).employerIds[i % 2]!;
    (i < 5 ? mine : theirs).push(caseId);
    const event = decodeEvent(
      {
        id: String(i + 1),
        type: 'case.submitted',
        source: 'work-permit',
        aggregateId: caseId,
        employerId,
        counterId: null,
        actorId: null,
        occurredAt: t.clock.now(),
        recordedAt: t.clock.now(),
        payload: {
          caseId,
          reference: `OS-2026-${String(900000 + i)}`,
          employerId,
          agencyId: DEMO_AGENCIES[i < 5 ? 0 : 1].id,
          category: 'B',
          route: 'NOTIFICATION_LETTER',
          applicant: { fullName: 'A', nationality: 'FR', dateOfBirth: '1990-01-01', sex: 'F' },
          filedOn: '2026-12-01',
          submittedAt: t.clock.now().toISOString(),
          preExamDueAt: t.clock.now().toISOString(),
          preExamDueProvisional: false,
        },
      },
      [EVENT_TYPES.caseSubmitted],
    );
    await t.runtime.ds.transaction((tx) => filing.createFromSubmission(event, tx));
  }
  expect(DEMO_EMPLOYERS.length).toBeGreaterThan(3);
});
afterAll(async () => {
  await t?.stop();
});

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Case { id residencePermit { id caseId status } } } }`;
type Entities = { _entities: ({ id: string; residencePermit: { caseId: string; status: string } | null } | null)[] };

describe('Case.residencePermit under _entities: one statement per fetch, scoped', () => {
  it('ten cases (and an unknown id) read residence_permit once', async () => {
    const ids = [...mine, ...theirs, randomUUID()];
    const { result, byTable } = await t.countStatements(() =>
      t.exec<Entities>(ENTITIES, { r: ids.map((id) => ({ __typename: 'Case', id })) }, officer),
    );
    expect(result.errors).toBeUndefined();
    const got = result.data!._entities;
    expect(got.slice(0, 10).map((e) => e?.residencePermit?.caseId)).toEqual(ids.slice(0, 10));
    expect(got.slice(0, 10).every((e) => e?.residencePermit?.status === 'AWAITING_DOCUMENTS')).toBe(true);
    expect(got[10]).toEqual({ id: ids[10], residencePermit: null });
    expect(byTable).toEqual({ residence_permit: 1 });
  });

  it('an agency batch mixing its cases and others: the others have no residence permit, in the same statement', async () => {
    const ids = [mine[0]!, theirs[0]!, mine[1]!, theirs[1]!];
    const { result, byTable } = await t.countStatements(() =>
      t.exec<Entities>(ENTITIES, { r: ids.map((id) => ({ __typename: 'Case', id })) }, agency),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities.map((e) => e?.residencePermit?.caseId ?? null)).toEqual([
      mine[0],
      null,
      mine[1],
      null,
    ]);
    expect(byTable).toEqual({ residence_permit: 1 });
  });

  it('without a token the reference is refused and nothing is read', async () => {
    const { result, byTable } = await t.countStatements(() =>
      t.exec<Entities>(ENTITIES, { r: [{ __typename: 'Case', id: mine[0] }] }, null),
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(byTable).toEqual({});
  });

  it('reads the same values TypeORM hydrates', async () => {
    const service = servicesOf(t.runtime).permits;
    const lean = await service.findByCaseIds(actorFromClaims(officer as unknown as Record<string, unknown>), mine);
    const hydrated = await t.runtime.ds.getRepository(ResidencePermitEntity).findBy({});
    for (const h of hydrated.filter((p) => mine.includes(p.caseId))) {
      expect(lean.get(h.caseId)).toEqual({ ...h });
    }
    expect(lean.size).toBe(5);
  });
});
