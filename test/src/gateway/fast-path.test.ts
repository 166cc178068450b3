/**
 * The gateway's fast path (gateway/src/fast-path.ts) against fixture subgraphs: every request
 * is sent to a gateway with the fast path and to one without it (GATEWAY_FAST_PATH=off, every
 * request through Apollo Server), and the two answers must be the same bytes with the same
 * status and headers — for passed-through and federated plans, for subgraph errors and partial
 * data, for refused variables, safelist and budgets. The fast path's counters show which way
 * each request went.
 */
import { randomUUID } from 'node:crypto';
import type { FastPathStats, RunningGateway } from '@onestop/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureSystem, type FixtureSystem } from '../testkit/index.js';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Pair {
  fast: { gateway: RunningGateway; url: string };
  apollo: { url: string };
}

const ONE_SUBGRAPH = 'query One($id: ID!) { case(id: $id) { id reference applicant { fullName } } }';
const FEDERATED =
  'query Three { counterName(id: "c1") case(id: "case-1") { reference applicant { fullName } residencePermit { status } } }';

describe('gateway fast path', () => {
  let sys: FixtureSystem;
  let pair: Pair;
  let manager: string;
  let agency: string;

  beforeAll(async () => {
    sys = await startFixtureSystem();
    pair = {
      fast: { gateway: sys.gateway, url: sys.gatewayUrl },
      apollo: await sys.startGateway({ GATEWAY_FAST_PATH: 'off' }),
    };
    manager = await sys.token('MANAGER');
    agency = await sys.token('AGENCY');
  });
  afterAll(async () => {
    await sys?.stop();
  });

  const send = async (
    url: string,
    body: unknown,
    token: string | null,
    requestId: string,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': requestId,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const all = Object.fromEntries(res.headers);
    delete all.date;
    return { status: res.status, headers: all, body: await res.text() };
  };

  /**
   * Sends the request `times` times to each gateway of the pair (the first teaches the fast
   * gateway the operation); every answer of the fast gateway equals the Apollo-only one.
   * Returns the last answer and what the fast path counted meanwhile.
   */
  const same = async (
    body: unknown,
    token: string | null,
    opts: { times?: number; headers?: Record<string, string>; p?: Pair } = {},
  ): Promise<{ answer: Answer; counted: FastPathStats }> => {
    const p = opts.p ?? pair;
    const before = p.fast.gateway.fastPathStats();
    let answer!: Answer;
    for (let i = 0; i < (opts.times ?? 3); i++) {
      const id = `fast-path-${randomUUID()}`;
      const viaApollo = await send(p.apollo.url, body, token, id, opts.headers);
      answer = await send(p.fast.url, body, token, id, opts.headers);
      expect(answer).toEqual(viaApollo);
    }
    const after = p.fast.gateway.fastPathStats();
    return {
      answer,
      counted: {
        prepared: after.prepared,
        passedThrough: after.passedThrough - before.passedThrough,
        executed: after.executed - before.executed,
        handedBack: after.handedBack - before.handedBack,
      },
    };
  };

  it('passes a one-subgraph operation through: the same bytes and headers as Apollo, for each Accept', async () => {
    const { answer, counted } = await same({ query: ONE_SUBGRAPH, variables: { id: 'case-1' } }, manager);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      data: { case: { id: 'case-1', reference: 'OS-2026-000001', applicant: { fullName: 'Ada Lovelace' } } },
    });
    expect(counted).toMatchObject({ passedThrough: 2, executed: 0, handedBack: 0 });
    // Another Accept: Apollo's headers for it are learnt first, then used.
    const graphqlResponse = await same({ query: ONE_SUBGRAPH, variables: { id: 'case-2' } }, manager, {
      headers: { accept: 'application/graphql-response+json' },
    });
    expect(graphqlResponse.answer.headers['content-type']).toMatch(/^application\/graphql-response\+json/);
    expect(graphqlResponse.counted).toMatchObject({ passedThrough: 2, handedBack: 0 });
    // A null the subgraph answers (a case the agency may not see) is data like any other.
    const hidden = await same({ query: ONE_SUBGRAPH, variables: { id: 'case-2' } }, agency);
    expect(JSON.parse(hidden.answer.body)).toEqual({ data: { case: null } });
    expect(hidden.counted.passedThrough).toBe(3);
  });

  it('runs a federated plan without Apollo Server: the same bytes as Apollo', async () => {
    const { answer, counted } = await same({ query: FEDERATED }, manager);
    expect(JSON.parse(answer.body)).toEqual({
      data: {
        counterName: 'Counter c1',
        case: {
          reference: 'OS-2026-000001',
          applicant: { fullName: 'Ada Lovelace' },
          residencePermit: { status: 'UNDER_REVIEW' },
        },
      },
    });
    expect(counted).toMatchObject({ passedThrough: 0, executed: 2, handedBack: 0 });
  });

  it('answers value completion’s findings (extensions, no errors) as Apollo does', async () => {
    const { answer, counted } = await same({ query: '{ orphanCase { id reference } }' }, manager);
    expect(JSON.parse(answer.body)).toMatchObject({
      data: { orphanCase: null },
      extensions: { valueCompletion: [expect.objectContaining({ path: ['orphanCase', 'reference'] })] },
    });
    expect(counted).toMatchObject({ executed: 2, handedBack: 0 });
  });

  it('never passes through an operation whose answer the gateway reshapes', async () => {
    const reshaped = [
      // Fragments (the planner inlines them), the gateway's own root __typename, a directive it evaluates.
      { query: 'query F { case(id: "case-1") { ...C } } fragment C on Case { reference }' },
      { query: '{ __typename case(id: "case-1") { reference } }' },
      {
        query: 'query D($x: Boolean!) { case(id: "case-1") { reference applicant @include(if: $x) { fullName } } }',
        variables: { x: false },
      },
      // The planner adds the entity key to the fetch.
      { query: '{ case(id: "case-1") { residencePermit { status } } }' },
    ];
    for (const body of reshaped) {
      const { answer, counted } = await same(body, manager);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body).errors).toBeUndefined();
      expect(counted).toMatchObject({ passedThrough: 0, executed: 2, handedBack: 0 });
    }
  });

  it('hands subgraph errors and partial data to Apollo, replaying the calls already made (each subgraph asked once)', async () => {
    // A subgraph's internal error, masked by the gateway.
    const masked = await same({ query: '{ secret }' }, manager);
    expect(JSON.parse(masked.answer.body)).toMatchObject({
      data: { secret: null },
      errors: [{ path: ['secret'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
    expect(masked.answer.body).not.toMatch(/hunter2|wp\.secret/);
    expect(masked.counted).toMatchObject({ passedThrough: 0, handedBack: 2 });

    await same({ query: FEDERATED }, manager);
    await sys.subgraphs['residence-permit'].stop();
    try {
      const before = sys.seen.requestIds['work-permit'].length;
      const partial = await same({ query: FEDERATED }, manager);
      expect(JSON.parse(partial.answer.body)).toMatchObject({
        data: { case: { reference: 'OS-2026-000001', residencePermit: null } },
        errors: [{ path: ['case', 'residencePermit'], extensions: { code: 'SERVICE_UNAVAILABLE' } }],
      });
      expect(partial.counted).toMatchObject({ executed: 0, handedBack: 3 });
      // Three requests to each gateway, one work-permit call each: none made twice by the hand-over.
      expect(sys.seen.requestIds['work-permit'].length - before).toBe(6);
    } finally {
      await sys.subgraphs['residence-permit'].start();
    }
  });

  it('refuses bad variables exactly as Apollo does', async () => {
    await same({ query: ONE_SUBGRAPH, variables: { id: 'case-1' } }, manager, { times: 1 });
    for (const variables of [{}, { id: { nested: true } }, { id: null }]) {
      const { answer, counted } = await same({ query: ONE_SUBGRAPH, variables }, manager);
      expect(JSON.parse(answer.body).errors?.length).toBeGreaterThan(0);
      expect(counted).toMatchObject({ passedThrough: 0, handedBack: 3 });
    }
  });

  it('keeps the safelist per actor: an operation an agency may send stays refused to staff', async () => {
    const env = { GATEWAY_SAFELIST: 'enforce-except-agencies' };
    const p: Pair = {
      fast: await sys.startGateway(env),
      apollo: await sys.startGateway({ ...env, GATEWAY_FAST_PATH: 'off' }),
    };
    const body = { query: ONE_SUBGRAPH, variables: { id: 'case-1' } };
    const allowed = await same(body, agency, { p });
    expect(JSON.parse(allowed.answer.body).data.case.reference).toBe('OS-2026-000001');
    expect(allowed.counted.passedThrough).toBe(2);
    const refused = await same(body, manager, { p });
    expect(refused.answer.status).toBe(400);
    expect(JSON.parse(refused.answer.body).errors[0].extensions.code).toBe('OPERATION_NOT_IN_SAFELIST');
    expect(refused.counted).toMatchObject({ passedThrough: 0, handedBack: 3 });
  });

  it('charges an agency once per request, whichever way it is answered', async () => {
    const env = { GATEWAY_AGENCY_REQUESTS_PER_MINUTE: '4', GATEWAY_AGENCY_COST_PER_MINUTE: '0' };
    const p: Pair = {
      fast: await sys.startGateway(env),
      apollo: await sys.startGateway({ ...env, GATEWAY_FAST_PATH: 'off' }),
    };
    const body = { query: ONE_SUBGRAPH, variables: { id: 'case-1' } };
    // 1: learnt through Apollo; 2: answered by the fast path.
    const ok = await same(body, agency, { p, times: 2 });
    expect(ok.counted.passedThrough).toBe(1);
    // 3: learnt through Apollo; 4: charged by the fast path, then handed to Apollo for its error,
    // which must not charge it again (a second charge would be over the budget: 429).
    const masked = await same({ query: '{ secret }' }, agency, { p, times: 2 });
    expect(JSON.parse(masked.answer.body).errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(masked.counted.handedBack).toBe(1);
    // 5: over the budget, refused by Apollo's plugin with the usual 429.
    const over = await same(body, agency, { p, times: 1 });
    expect(over.answer.status).toBe(429);
    expect(over.answer.headers['retry-after']).toMatch(/^\d+$/);
    expect(JSON.parse(over.answer.body).errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(over.counted).toMatchObject({ passedThrough: 0, handedBack: 1 });
  });

  it('counts its answers in the operation metrics as Apollo does', async () => {
    const operations = async (url: string): Promise<string[]> =>
      (await (await fetch(new URL('/metrics', url))).text())
        .split('\n')
        .filter(
          (l) =>
            /^onestop_graphql_(operations_total|operation_duration_seconds_count|errors_total)\{/.test(l) &&
            l.includes('operation="query receipt"'),
        )
        .sort();
    const { counted } = await same({ query: 'query Receipt { receipt(number: "R-1") }' }, manager);
    expect(counted.passedThrough).toBe(2);
    const viaFast = await operations(pair.fast.url);
    expect(viaFast.length).toBeGreaterThan(0);
    expect(viaFast).toEqual(await operations(pair.apollo.url));
    expect(viaFast.join('\n')).toMatch(/operations_total\{[^}]*outcome="ok"[^}]*\} 3/);
  });

  it('leaves GET, persisted-query extensions and a query-plan request to Apollo', async () => {
    await same({ query: ONE_SUBGRAPH, variables: { id: 'case-1' } }, manager, { times: 1 });
    const before = pair.fast.gateway.fastPathStats();
    const viaGet = await fetch(
      `${pair.fast.url}?query=${encodeURIComponent(ONE_SUBGRAPH)}&variables=${encodeURIComponent('{"id":"case-1"}')}`,
      { headers: { authorization: `Bearer ${manager}`, 'apollo-require-preflight': 'true' } },
    );
    expect(viaGet.status).toBe(200);
    const plan = await send(pair.fast.url, { query: ONE_SUBGRAPH, variables: { id: 'case-1' } }, manager, 'plan-1', {
      'apollo-query-plan-experimental': '1',
    });
    expect(JSON.parse(plan.body).extensions).toBeDefined();
    await send(pair.fast.url, { query: ONE_SUBGRAPH, variables: { id: 'case-1' }, extensions: {} }, manager, 'ext-1');
    const after = pair.fast.gateway.fastPathStats();
    expect(after.passedThrough + after.executed + after.handedBack).toBe(
      before.passedThrough + before.executed + before.handedBack,
    );
  });
});
