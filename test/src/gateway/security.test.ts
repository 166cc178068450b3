/**
 * Gateway security against fixture subgraphs: JWT verification at the edge, signed-only
 * subgraphs, GraphQL Armor limits on HTTP and WebSocket alike (including the `__schema`
 * name bypass), batching, introspection and suggestions by mode, error masking, the body cap,
 * the operation safelist and request ids.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  signedConnectionParams,
  signRequest,
  SIGNATURE_HEADER,
  subgraphSecret,
  TIMESTAMP_HEADER,
} from '@onestop/common';
import {
  closeCode,
  overWs,
  post,
  PRODUCTION_GATEWAY_ENV,
  startFixtureSystem,
  type FixtureSystem,
} from '../testkit/index.js';

const NORMAL = '{ case(id: "case-1") { reference applicant { fullName } residencePermit { status } } }';

describe('gateway security', () => {
  let sys: FixtureSystem;
  let manager: string;
  beforeAll(async () => {
    sys = await startFixtureSystem();
    manager = await sys.token('MANAGER');
  });
  afterAll(async () => {
    await sys?.stop();
  });

  describe('identity at the edge', () => {
    it('rejects a forged, an expired and a malformed token with 401 before any subgraph is asked', async () => {
      const seenBefore = sys.seen.requestIds['work-permit'].length;
      const [header, payload] = manager.split('.');
      const forged = `${header}.${payload}.${'A'.repeat(43)}`;
      const expired = await sys.idp.sign({ sub: 'm', role: 'MANAGER' }, { ttl: '-1h' });
      for (const authorization of [`Bearer ${forged}`, `Bearer ${expired}`, 'Basic dXNlcjpwYXNz']) {
        const res = await post(sys.gatewayUrl, { query: NORMAL }, { authorization });
        expect(res.status).toBe(401);
        expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
      expect(sys.seen.requestIds['work-permit'].length).toBe(seenBefore);
    });

    it('refuses a WebSocket whose token does not verify with 4403', async () => {
      const [header, payload] = manager.split('.');
      expect(
        await closeCode(sys.wsUrl, [
          { type: 'connection_init', payload: { authorization: `Bearer ${header}.${payload}.bad` } },
        ]),
      ).toBe(4403);
    });
  });

  describe('subgraphs accept only the gateway', () => {
    const query = '{ case(id: "case-1") { reference } }';

    it('refuses an unsigned request, a badly signed one and a replayed signature with a changed body', async () => {
      const url = sys.subgraphs['work-permit'].url;
      const unsigned = await post(url, { query }, { authorization: `Bearer ${manager}` });
      expect(unsigned.status).toBe(403);
      expect(unsigned.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const timestamp = String(Date.now());
      const wrongKey = signRequest('not-the-secret', {
        method: 'POST',
        path: '/graphql',
        body: JSON.stringify({ query }),
        authorization: '',
        timestamp,
      });
      expect((await post(url, { query }, { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: wrongKey })).status).toBe(
        403,
      );
      const secret = subgraphSecret('work-permit', 'test', {});
      const signedForOther = signRequest(secret, {
        method: 'POST',
        path: '/graphql',
        body: JSON.stringify({ query: '{ __typename }' }),
        authorization: '',
        timestamp,
      });
      expect(
        (await post(url, { query }, { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signedForOther })).status,
      ).toBe(403);
      // The same request signed properly is served: the refusals above are about the signature.
      const body = JSON.stringify({ query: '{ __typename }' });
      const ok = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signedForOther,
        },
        body,
      });
      expect(ok.status).toBe(200);
    });

    it('closes an unsigned WebSocket to a subgraph with 4403 and accepts a signed one', async () => {
      const url = sys.subgraphs['counter-scheduling'].url.replace(/^http/, 'ws');
      expect(await closeCode(url, [{ type: 'connection_init', payload: { authorization: `Bearer ${manager}` } }])).toBe(
        4403,
      );
      const params = signedConnectionParams(
        subgraphSecret('counter-scheduling', 'test', {}),
        `Bearer ${manager}`,
        Date.now(),
      );
      const code = await closeCode(url, [
        { type: 'connection_init', payload: params },
        'ack',
        { type: 'connection_init', payload: params },
      ]);
      expect(code).toBe(4429); // acknowledged, then refused only for the protocol violation
    });
  });

  describe('GraphQL Armor limits, on HTTP and WebSocket alike', () => {
    let url: string;
    let wsUrl: string;
    beforeAll(async () => {
      ({ url, wsUrl } = await sys.startGateway({
        GATEWAY_MAX_DEPTH: '3',
        GATEWAY_MAX_ALIASES: '3',
        GATEWAY_MAX_TOKENS: '100',
        GATEWAY_MAX_DIRECTIVES: '3',
        GATEWAY_MAX_COST: '30',
      }));
    });

    const full = 'id reference employerId counterId applicant { fullName } residencePermit { status }';
    const overLimit: [string, string, RegExp][] = [
      [
        'depth',
        '{ case(id: "case-1") { applicant { ...Name } } } fragment Name on Applicant { fullName }',
        /depth limit of 3 exceeded/i,
      ],
      [
        'depth, operation named __schema',
        'query __schema { case(id: "case-1") { applicant { ...Name } } } fragment Name on Applicant { fullName }',
        /depth limit of 3 exceeded/i,
      ],
      [
        'depth, fragment named __schema',
        '{ case(id: "case-1") { applicant { ...__schema } } } fragment __schema on Applicant { fullName }',
        /depth limit of 3 exceeded/i,
      ],
      [
        'aliases',
        '{ a: case(id: "case-1") { id } b: case(id: "case-1") { id } c: case(id: "case-1") { id } d: case(id: "case-1") { id } }',
        /aliases limit of 3 exceeded/i,
      ],
      ['tokens', `{ case(id: "case-1") { ${'id '.repeat(120)}} }`, /token limit of 100 exceeded/i],
      [
        'directives',
        '{ case(id: "case-1") { id @skip(if: false) reference @skip(if: false) employerId @skip(if: false) counterId @skip(if: false) } }',
        /directives limit of 3 exceeded/i,
      ],
      ['cost', `{ cases { ${full} } case(id: "case-1") { ${full} } }`, /cost limit of 30 exceeded/i],
    ];

    it('lets an operation within every limit through, on both transports', async () => {
      expect((await post(url, { query: NORMAL }, { authorization: `Bearer ${manager}` })).data).toEqual({
        case: {
          reference: 'OS-2026-000001',
          applicant: { fullName: 'Ada Lovelace' },
          residencePermit: { status: 'UNDER_REVIEW' },
        },
      });
      expect((await overWs(wsUrl, NORMAL, manager)).errors).toBeUndefined();
    });

    for (const [limit, query, message] of overLimit) {
      it(`refuses an operation over the ${limit} limit`, async () => {
        const seenBefore = sys.seen.requestIds['work-permit'].length;
        const http = await post(url, { query }, { authorization: `Bearer ${manager}` });
        expect(http.status).toBe(400);
        expect(http.data).toBeUndefined();
        expect(http.errors?.map((e) => e.message).join(' ')).toMatch(message);
        expect(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']).toContain(http.errors?.[0]?.extensions?.code);
        const ws = await overWs(wsUrl, query, manager);
        expect(ws.data).toBeUndefined();
        expect(ws.errors?.map((e) => e.message).join(' ')).toMatch(message);
        expect(sys.seen.requestIds['work-permit'].length).toBe(seenBefore);
      });
    }

    it('keeps introspection deep enough for tools outside production (the exemption is for the __schema field only)', async () => {
      const res = await post(url, { query: '{ __schema { types { fields { type { ofType { name } } } } } }' });
      expect(res.errors).toBeUndefined();
      expect(res.status).toBe(200);
    });
  });

  it('refuses batched HTTP requests', async () => {
    const res = await post(sys.gatewayUrl, [{ query: '{ __typename }' }, { query: '{ __typename }' }], {
      authorization: `Bearer ${manager}`,
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res)).toMatch(/batch/i);
  });

  it('caps the request body with 413', async () => {
    const { url } = await sys.startGateway({ GATEWAY_MAX_BODY_BYTES: '2000' });
    const res = await post(url, { query: `{ __typename } # ${'x'.repeat(5000)}` });
    expect(res.status).toBe(413);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('masks internal errors: a stable code and the request id, no stack, SQL, credentials or subgraph URL', async () => {
    const res = await post(
      sys.gatewayUrl,
      { query: '{ secret case(id: "case-1") { reference } }' },
      { authorization: `Bearer ${manager}` },
    );
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ secret: null, case: { reference: 'OS-2026-000001' } });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({ path: ['secret'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    const text = JSON.stringify(res.errors);
    for (const leak of [
      'postgres',
      'hunter2',
      'wp.secret',
      'stacktrace',
      'serviceName',
      '127.0.0.1',
      String(sys.subgraphs['work-permit'].port),
    ]) {
      expect(text).not.toContain(leak);
    }
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  describe('introspection and field suggestions by mode', () => {
    const introspect = '{ __schema { queryType { name } } }';
    const misspelt = '{ case(id: "case-1") { referenc } }';

    it('outside production: introspection answers and suggestions help', async () => {
      expect(((await post(sys.gatewayUrl, { query: introspect })).data as { __schema: unknown }).__schema).toEqual({
        queryType: { name: 'Query' },
      });
      const res = await post(sys.gatewayUrl, { query: misspelt });
      expect(res.errors?.[0]?.message).toMatch(/Did you mean "reference"/);
    });

    it('in production: no introspection and no suggestions, on HTTP and WebSocket', async () => {
      const { url, wsUrl } = await sys.startGateway(PRODUCTION_GATEWAY_ENV);
      for (const result of [await post(url, { query: introspect }), await overWs(wsUrl, introspect)]) {
        expect(result.data ?? undefined).toBeUndefined();
        expect(result.errors?.[0]?.message).toMatch(/introspection/i);
      }
      for (const result of [await post(url, { query: misspelt }), await overWs(wsUrl, misspelt)]) {
        expect(result.errors?.[0]?.message).toMatch(/Cannot query field "referenc"/);
        expect(JSON.stringify(result.errors)).not.toMatch(/Did you mean/);
      }
      // The deep __schema query that development allows is depth-limited in production.
      const deep = `{ __schema { types { fields { type { ${'ofType { '.repeat(10)}name${' }'.repeat(10)} } } } } }`;
      expect((await post(url, { query: deep })).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(JSON.stringify((await overWs(wsUrl, deep)).errors)).toMatch(/depth limit of 12 exceeded/i);
    });
  });

  describe('operation safelist', () => {
    let dir: string;
    const listed = /* GraphQL */ `
      # The dashboard's case card.
      query CaseCard($id: ID!) {
        case(id: $id) {
          ...CaseHeader
          residencePermit {
            status
          }
        }
      }
      fragment CaseHeader on Case {
        reference
        applicant {
          fullName
        }
      }
      subscription Breaches {
        slaBreached {
          kind
          case {
            reference
          }
        }
      }
    `;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'onestop-safelist-'));
      await mkdir(path.join(dir, 'cases'), { recursive: true });
      await writeFile(path.join(dir, 'cases', 'case-card.graphql'), listed);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    // The same operation as a client sends it: other formatting, no comments, fragment first.
    const sent =
      'fragment CaseHeader on Case { reference applicant { fullName } } query CaseCard($id: ID!) { case(id: $id) { ...CaseHeader residencePermit { status } } }';

    it('enforce: runs listed operations however they are formatted, refuses others with OPERATION_NOT_IN_SAFELIST', async () => {
      const { url, wsUrl } = await sys.startGateway({ GATEWAY_SAFELIST: 'enforce', GATEWAY_SAFELIST_OPERATIONS: dir });
      const ok = await post(
        url,
        { query: sent, variables: { id: 'case-1' }, operationName: 'CaseCard' },
        { authorization: `Bearer ${manager}` },
      );
      expect(ok.errors).toBeUndefined();
      expect(ok.data).toMatchObject({ case: { reference: 'OS-2026-000001' } });
      const refused = await post(url, { query: NORMAL }, { authorization: `Bearer ${manager}` });
      expect(refused.status).toBe(400);
      expect(refused.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_IN_SAFELIST');
      // A listed operation with one more field is another operation.
      const widened = sent.replace('residencePermit { status }', 'residencePermit { status } employerId');
      expect(
        (await post(url, { query: widened, variables: { id: 'case-1' } }, { authorization: `Bearer ${manager}` }))
          .errors?.[0]?.extensions?.code,
      ).toBe('OPERATION_NOT_IN_SAFELIST');
      // Over the socket too, for queries and subscriptions.
      expect((await overWs(wsUrl, NORMAL, manager)).errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_IN_SAFELIST');
      expect((await overWs(wsUrl, 'subscription { heartbeat { n } }', manager)).errors?.[0]?.extensions?.code).toBe(
        'OPERATION_NOT_IN_SAFELIST',
      );
    });

    it('enforce-except-agencies: partner agencies may send their own operations, within the limits; others may not', async () => {
      const { url } = await sys.startGateway({
        GATEWAY_SAFELIST: 'enforce-except-agencies',
        GATEWAY_SAFELIST_OPERATIONS: dir,
      });
      const agency = await sys.token('AGENCY');
      const own = await post(url, { query: NORMAL }, { authorization: `Bearer ${agency}` });
      expect(own.errors).toBeUndefined();
      expect(own.data).toMatchObject({ case: { reference: 'OS-2026-000001' } });
      expect(
        (await post(url, { query: NORMAL }, { authorization: `Bearer ${manager}` })).errors?.[0]?.extensions?.code,
      ).toBe('OPERATION_NOT_IN_SAFELIST');
      expect((await post(url, { query: NORMAL })).errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_IN_SAFELIST');
      const tooDeep = '{ case(id: "case-1") { applicant { ...N } } } fragment N on Applicant { fullName }';
      const { url: strict } = await sys.startGateway({
        GATEWAY_SAFELIST: 'enforce-except-agencies',
        GATEWAY_SAFELIST_OPERATIONS: dir,
        GATEWAY_MAX_DEPTH: '3',
      });
      expect(
        (await post(strict, { query: tooDeep }, { authorization: `Bearer ${agency}` })).errors?.[0]?.message,
      ).toMatch(/depth limit/i);
    });
  });

  describe('request ids', () => {
    it('keeps a well-formed client request id, sends it to every subgraph the request reaches, and replaces a malformed one', async () => {
      const id = 'dashboard-7f3a9c21';
      const res = await sys.gql(NORMAL, {}, manager, { 'x-request-id': id });
      expect(res.headers.get('x-request-id')).toBe(id);
      expect(sys.seen.requestIds['work-permit']).toContain(id);
      expect(sys.seen.requestIds['residence-permit']).toContain(id);
      for (const bad of ['short', 'has spaces in it', 'x'.repeat(200), 'line\u2028break-123456']) {
        const r = await fetch(sys.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': encodeURI(bad) === bad ? bad : 'a b' },
          body: JSON.stringify({ query: '{ __typename }' }),
        });
        const echoed = r.headers.get('x-request-id');
        expect(echoed).not.toBe(bad);
        expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
      }
    });
  });
});
