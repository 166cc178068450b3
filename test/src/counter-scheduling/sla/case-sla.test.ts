/**
 * `Case.sla` through the gateway, driven by the real work-permit flow: filing starts the
 * pre-examination clock, a return stops it, a resubmission starts a fresh one, the pass meets
 * it; a breach is listed with the case resolved across subgraphs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestSystem,
  waitFor,
  type TestSystem,
  AGENCY_A,
  agencyToken,
  directToSubgraph,
  fileCase,
  filing,
  today,
} from '../../testkit/index.js';

const DAY = 86_400_000;
const EMP1 = AGENCY_A.employerIds[0];

interface Sla {
  kind: string;
  state: string;
  startedAt: string;
  dueAt: string;
  stoppedAt: string | null;
  remainingWorkingMinutes: number;
  lastThreshold: number | null;
  provisional: boolean;
  counterId: string | null;
  category: string | null;
}

const CASE_SLA = `query ($id: ID!) {
  case(id: $id) {
    id preExamDueAt preExamDueProvisional
    sla { kind state startedAt dueAt stoppedAt remainingWorkingMinutes lastThreshold provisional counterId category }
  }
}`;

describe('Case.sla through the gateway', () => {
  let sys: TestSystem;
  let agency: string;
  let otherAgency: string;
  let officer: string;
  let manager: string;

  beforeAll(async () => {
    sys = await startTestSystem();
    agency = await agencyToken(sys, 0);
    otherAgency = await agencyToken(sys, 1);
    officer = await sys.token('WP_OFFICER');
    manager = await sys.token('MANAGER');
  });
  afterAll(async () => {
    await sys?.stop();
  });

  type View = { case: { id: string; preExamDueAt: string; preExamDueProvisional: boolean; sla: Sla[] } | null };
  const view = async (id: string, token = agency): Promise<View['case']> => {
    const r = await sys.gql<View>(CASE_SLA, { id }, token);
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data!.case;
  };
  const slaWhen = (id: string, ok: (sla: Sla[]) => boolean, what: string): Promise<Sla[]> =>
    waitFor(
      async () => {
        const c = await view(id);
        return c && ok(c.sla) ? c.sla : undefined;
      },
      15_000,
      what,
    );

  it('follows filing, return, resubmission and pass', async () => {
    const filed = await fileCase(sys, agency, filing(EMP1, await today(sys)));
    const [clock] = await slaWhen(filed.id, (s) => s.length === 1, 'the pre-examination clock');
    const c = (await view(filed.id))!;
    expect(clock).toMatchObject({
      kind: 'PRE_EXAMINATION',
      state: 'RUNNING',
      dueAt: c.preExamDueAt,
      provisional: c.preExamDueProvisional,
      stoppedAt: null,
      lastThreshold: null,
      counterId: null,
      category: 'B',
    });
    // Three working days, plus what is left of the filing day.
    expect(clock!.remainingWorkingMinutes).toBeGreaterThan(3 * 24 * 60 - 1);
    expect(clock!.remainingWorkingMinutes).toBeLessThanOrEqual(4 * 24 * 60);

    const returned = await sys.gql(
      `mutation ($i: ReturnCaseInput!) { returnCase(input: $i) { id } }`,
      { i: { caseId: filed.id, items: [{ field: 'applicant.photo', problem: 'the background is not white' }] } },
      officer,
    );
    expect(returned.errors).toBeUndefined();
    await slaWhen(filed.id, (s) => s[0]?.state === 'STOPPED', 'the return to stop the clock');

    const resubmitted = await sys.gql(
      `mutation ($i: ResubmitCaseInput!) { resubmitCase(input: $i) { id } }`,
      { i: { caseId: filed.id } },
      agency,
    );
    expect(resubmitted.errors, JSON.stringify(resubmitted.errors)).toBeUndefined();
    const two = await slaWhen(filed.id, (s) => s.length === 2, 'a fresh clock at resubmission');
    expect(two.map((s) => s.state)).toEqual(['STOPPED', 'RUNNING']);
    expect(two[1]!.dueAt).toBe((await view(filed.id))!.preExamDueAt);

    const passed = await sys.gql(
      `mutation ($i: PassPreExaminationInput!) { passPreExamination(input: $i) { id } }`,
      { i: { caseId: filed.id } },
      officer,
    );
    expect(passed.errors).toBeUndefined();
    const done = await slaWhen(filed.id, (s) => s[1]?.state === 'MET', 'the pass to meet the clock');
    expect(done[1]!.stoppedAt).not.toBeNull();
    expect(done[1]!.remainingWorkingMinutes).toBeGreaterThan(0);
  });

  it("never shows another employer's clocks, even asked directly by entity reference", async () => {
    const filed = await fileCase(sys, agency, filing(EMP1, await today(sys)));
    await slaWhen(filed.id, (s) => s.length === 1, 'the clock');
    const other = await sys.gql<View>(CASE_SLA, { id: filed.id }, otherAgency);
    expect(other.data?.case ?? null).toBeNull();

    // The gateway's entity fetch, signed as the gateway would sign it.
    const entities = async (token: string): Promise<unknown> => {
      const { status: _status, ...body } = await directToSubgraph(
        sys,
        'counter-scheduling',
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Case { id sla { kind } } } }',
        { r: [{ __typename: 'Case', id: filed.id }] },
        token,
      );
      return body;
    };
    expect(await entities(agency)).toEqual({
      data: { _entities: [{ id: filed.id, sla: [{ kind: 'PRE_EXAMINATION' }] }] },
    });
    // Another agency gets no clocks: the reference itself is refused (null) or its clock list is empty.
    const refused = (await entities(otherAgency)) as {
      data: { _entities: ({ sla: unknown[] } | null)[] };
      errors?: unknown;
    };
    expect(refused.errors).toBeUndefined();
    expect(refused.data._entities).toHaveLength(1);
    expect(refused.data._entities[0]?.sla ?? []).toEqual([]);
  });

  it('lists a breach with its case resolved across subgraphs, and shows it overdue on the case', async () => {
    const filed = await fileCase(sys, agency, filing(EMP1, await today(sys)));
    await slaWhen(filed.id, (s) => s.length === 1, 'the clock');
    // Three working days cannot take more than a week, even across a holiday week-end.
    await sys.advanceClock(8 * DAY);
    const [clock] = await slaWhen(filed.id, (s) => s[0]?.state === 'BREACHED', 'the breach');
    expect(clock!.lastThreshold).toBe(100);
    expect(clock!.remainingWorkingMinutes).toBeLessThan(0);

    const list = await sys.gql<{
      slaBreaches: {
        edges: { node: { kind: string; open: boolean; case: { id: string; reference: string; status: string } } }[];
      };
    }>(
      `{ slaBreaches(filter: { kind: PRE_EXAMINATION, open: true }) { edges { node { kind open case { id reference status } } } } }`,
      {},
      manager,
    );
    expect(list.errors, JSON.stringify(list.errors)).toBeUndefined();
    expect(list.data!.slaBreaches.edges.map((e) => e.node)).toContainEqual({
      kind: 'PRE_EXAMINATION',
      open: true,
      case: { id: filed.id, reference: filed.reference, status: 'SUBMITTED' },
    });
    const events = await sys.sql.query<{ type: string; threshold: number }>(
      `SELECT type, (payload->>'threshold')::int AS threshold FROM platform.event_log WHERE aggregate_id = $1 AND type LIKE 'sla.%' ORDER BY id`,
      [filed.id],
    );
    expect(events.rows).toEqual([
      { type: 'sla.warning', threshold: 50 },
      { type: 'sla.warning', threshold: 75 },
      { type: 'sla.breached', threshold: 100 },
    ]);
  });
});
