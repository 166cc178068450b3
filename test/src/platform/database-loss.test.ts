/**
 * The database goes away under a running system (a throwaway embedded PostgreSQL of its own,
 * stopped and started again): every subgraph answers SERVICE_UNAVAILABLE, retryable, as for a
 * subgraph that is down — not INTERNAL_SERVER_ERROR with a stack — and serves again once the
 * database is back, without a restart.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestDevToken, startEmbeddedPostgres, type EmbeddedDatabase } from '@onestop/common';
import { FREE_PORTS, freePort, startStack, type Stack } from '@onestop/scripts';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { collect, waitFor } from '../testkit/index.js';

/** One field from each subgraph, each read from its database. */
const QUERIES = {
  'counter-scheduling': '{ serviceCounters { id } }',
  'work-permit': '{ employers { id } }',
  'residence-permit': '{ receiptOfAcceptance(number: "RA-2026-000001") { valid } }',
} as const;

interface Result {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

describe('a lost database connection', () => {
  let dir: string;
  let port: number;
  let db: EmbeddedDatabase | undefined;
  let stack: Stack | undefined;
  let manager: string;
  const logs: string[] = [];

  const gql = async (query: string): Promise<Result> => {
    const res = await fetch(stack!.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${manager}` },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as Result;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'onestop-db-loss-'));
    await chmod(dir, 0o755); // ours to open up: as root, PostgreSQL runs as `postgres` and must enter it
    port = await freePort();
    db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port });
    stack = await startStack({
      databaseUrl: db.url,
      mode: 'test',
      ports: FREE_PORTS,
      env: { LOG_LEVEL: 'warn' },
      onLog: (l) => void logs.push(l),
    });
    manager = await requestDevToken(stack.issuer, { sub: 'manager-test', role: 'MANAGER' });
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers SERVICE_UNAVAILABLE from every subgraph while it is gone, and serves again when it is back', async () => {
    for (const query of Object.values(QUERIES)) expect((await gql(query)).errors).toBeUndefined();

    await db!.stop();
    db = undefined;
    const logsBefore = logs.length;
    for (const [subgraph, query] of Object.entries(QUERIES)) {
      const res = await gql(query);
      expect(res.errors, subgraph).toHaveLength(1);
      expect(res.errors![0]!.extensions?.code, `${subgraph}: ${res.errors![0]!.message}`).toBe('SERVICE_UNAVAILABLE');
      expect(res.errors![0]!.message, subgraph).toMatch(/try again/i);
      expect(JSON.stringify(res.errors), subgraph).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|terminat|postgres/i);
    }
    // A subscription opened while the database is gone is refused the same way.
    const client = createClient({
      url: stack!.gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: { authorization: `Bearer ${manager}` },
    });
    try {
      const sub = collect(client, { query: 'subscription { counterLoadChanged(counterId: "dongcheng") { eventId } }' });
      await sub.waitFor(1, 30_000);
      expect(sub.results[0]!.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await client.dispose();
    }
    // An outage is not a bug: no "unexpected error" with a stack for it.
    expect(logs.slice(logsBefore).join('\n')).not.toMatch(/unexpected error/);

    db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port });
    for (const [subgraph, query] of Object.entries(QUERIES)) {
      await waitFor(async () => (await gql(query)).errors === undefined, 30_000, `${subgraph} to serve again`);
    }
  });
});
