import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import {
  answerFailure,
  serveGraphQLEndpoint,
  type GraphQLEndpoint,
  type GraphQLHttpRequest,
} from './graphql-endpoint.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function serve(overrides: Partial<GraphQLEndpoint> = {}): Promise<{ base: string; seen: GraphQLHttpRequest[] }> {
  const seen: GraphQLHttpRequest[] = [];
  const endpoint: GraphQLEndpoint = {
    service: 'probe',
    ready: async () => ({ ok: false, body: { status: 'degraded' } }),
    methods: ['POST'],
    methodRefusal: 'POST only.',
    maxBodyBytes: 100,
    graphql: async (request, res) => {
      seen.push(request);
      res.end('answered');
    },
    ...overrides,
  };
  const logger = createLogger('probe', 'silent');
  server = createServer((req, res) => {
    serveGraphQLEndpoint(endpoint, req, res, 'req-12345678').catch((err: unknown) => answerFailure(res, logger, err));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

describe('serveGraphQLEndpoint (the gateway and every subgraph)', () => {
  it('answers health, readiness, unknown paths and refused methods itself, with the request id', async () => {
    const { base, seen } = await serve();
    const health = await fetch(`${base}/health`);
    expect(health.headers.get('x-request-id')).toBe('req-12345678');
    expect(await health.json()).toEqual({ status: 'ok', service: 'probe' });
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'degraded' });
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
    const get = await fetch(`${base}/graphql`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await get.json()).toEqual({ errors: [{ message: 'POST only.', extensions: { code: 'BAD_REQUEST' } }] });
    expect(seen).toHaveLength(0);
  });

  it('refuses a body over the limit with 413 and hands the others on, body and query string included', async () => {
    const { base, seen } = await serve();
    const big = await fetch(`${base}/graphql`, { method: 'POST', body: 'x'.repeat(101) });
    expect(big.status).toBe(413);
    expect(seen).toHaveLength(0);
    expect(await (await fetch(`${base}/graphql`, { method: 'POST', body: '{"query":"{ a }"}' })).text()).toBe(
      'answered',
    );
    await fetch(`${base}/graphql?x=1`, { method: 'POST', body: '{}' });
    expect(seen.map((r) => [r.method, r.body, r.url.pathname, r.url.search, r.requestId])).toEqual([
      ['POST', '{"query":"{ a }"}', '/graphql', '', 'req-12345678'],
      ['POST', '{}', '/graphql', '?x=1', 'req-12345678'],
    ]);
  });

  it('routes the server’s own paths first, and answers a handler that throws with 500', async () => {
    const { base } = await serve({
      route: (_req, res, url) => (url.pathname === '/own' ? Promise.resolve(void res.end('own')) : undefined),
      graphql: async () => {
        throw new Error('boom');
      },
    });
    expect(await (await fetch(`${base}/own`)).text()).toBe('own');
    const failed = await fetch(`${base}/graphql`, { method: 'POST', body: '{}' });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({
      errors: [{ message: 'Internal error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
  });
});
