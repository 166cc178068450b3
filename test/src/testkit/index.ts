import { expect } from 'vitest';
/**
 * The cross-service testkit: start the whole system on a throwaway database on free ports,
 * sign in as a role, run an operation through the gateway, move the clock. Every test imports
 * its helpers from here: this file is the core, and re-exports each area's module at its end
 * (see "Where the tests are" in docs/architecture.md).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  EVENT_APPEND_LOCK,
  requestDevToken,
  SIGNATURE_HEADER,
  signRequest,
  subgraphSecret,
  TIMESTAMP_HEADER,
  type OneStopClaims,
  type Role,
  type SubgraphName,
} from '@onestop/common';
import { decodeEventPayload, isEventType } from '@onestop/common/contract';
import { createTestDatabase, DEMO_AGENCIES, type TestDatabase } from '@onestop/common/testing';
import { FREE_PORTS, startStack, type Stack } from '@onestop/scripts';

/** A GraphQL response as the gateway returns it. */
export interface GqlResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [k: string]: unknown } }[];
}

/** A started system plus helpers for tests. */
export interface TestSystem {
  stack: Stack;
  database: TestDatabase;
  /** A pool on the system's database, for assertions on what was (not) written. */
  sql: pg.Pool;
  gatewayUrl: string;
  /** The identity provider the system trusts (the stack's embedded one). */
  issuer: string;
  /**
   * A token for a role from the stack's real identity provider (its development grant: any
   * claims, no password; refused in production). The same role and claims get the same token
   * while it is fresh, so the ~600 tests ask the provider once per identity.
   */
  /** Every gateway instance's URL (one unless started with `replicas`), gateway 1 first. */
  gatewayUrls: string[];
  token(role: Role, claims?: Partial<OneStopClaims>): Promise<string>;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<GqlResponse<T>>;
  /** Moves the shared business clock forward; resolves when every subgraph sees it. */
  advanceClock(ms: number): Promise<void>;
  /** Process output, for diagnosing a failure. */
  logs: string[];
  stop(): Promise<void>;
}

/** How the system is started besides its environment. */
export interface TestSystemOptions {
  /** Instances of every subgraph and gateway (gateway n uses subgraph instance n). */
  replicas?: number;
}

/** Starts the system for one test file. */
export async function startTestSystem(
  env: Record<string, string> = {},
  opts: TestSystemOptions = {},
): Promise<TestSystem> {
  const database = await createTestDatabase('sys');
  const attachmentsDir = await mkdtemp(path.join(tmpdir(), 'onestop-attachments-'));
  const logs: string[] = [];
  let stack: Stack;
  try {
    stack = await startStack({
      databaseUrl: database.url,
      mode: 'test',
      replicas: opts.replicas,
      ports: FREE_PORTS,
      env: { LOG_LEVEL: 'warn', ATTACHMENTS_DIR: attachmentsDir, ...env },
      onLog: (l) => {
        logs.push(l);
        if (logs.length > 2000) logs.shift();
      },
    });
  } catch (err) {
    await database.drop();
    throw new Error(`${(err as Error).message}\n${logs.slice(-30).join('\n')}`);
  }
  const sql = new pg.Pool({ connectionString: database.url, max: 4 });
  sql.on('error', () => undefined);
  const tokens = new Map<string, Promise<string>>();
  const token = (role: Role, claims: Partial<OneStopClaims> = {}): Promise<string> => {
    const all: OneStopClaims = {
      sub: `${role.toLowerCase()}-test`,
      role,
      ...(role === 'CLERK' ? { counterId: 'chaoyang-cbd' } : {}),
      ...(role === 'AGENCY' ? { agencyId: 'agency-test', employerIds: [] } : {}),
      ...claims,
    };
    const key = JSON.stringify(all);
    let t = tokens.get(key);
    if (!t) {
      t = requestDevToken(stack.issuer, { ...all, ttlSeconds: 6 * 3600 });
      t.catch(() => tokens.delete(key));
      tokens.set(key, t);
    }
    return t;
  };
  const gql = <T>(query: string, variables: Record<string, unknown> = {}, tok?: string | null) =>
    gqlAt<T>(stack.gatewayUrl, query, variables, tok);
  return {
    stack,
    database,
    sql,
    gatewayUrl: stack.gatewayUrl,
    issuer: stack.issuer,
    gatewayUrls: stack.instances.gateway.map((i) => i.url),
    token,
    gql,
    logs,
    async advanceClock(ms) {
      const res = await fetch(new URL('/dev/clock', stack.gatewayUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token('MANAGER')}` },
        body: JSON.stringify({ advanceMs: ms }),
      });
      if (!res.ok) throw new Error(`advanceClock failed: ${res.status} ${await res.text()}`);
    },
    async stop() {
      await sql.end();
      await stack.stop();
      await database.drop();
      await rm(attachmentsDir, { recursive: true, force: true });
    },
  };
}

/** Runs an operation through one gateway (`sys.gql` is gateway 1). */
export async function gqlAt<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string | null,
): Promise<GqlResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Omit<GqlResponse<T>, 'status'>;
  return { status: res.status, ...body };
}

/** Polls `probe` until it returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Appends a domain event as another subgraph would (the event catalogue is the contract),
 * for testing one subgraph's reaction before or without the other's command. A catalogued
 * event whose payload does not match the catalogue is refused here, as the store would: a
 * consumer would park it, and the test would only time out.
 */
export async function appendEvent(
  sql: pg.Pool,
  e: {
    type: string;
    source: string;
    aggregateId: string;
    payload: Record<string, unknown>;
    employerId?: string | null;
    counterId?: string | null;
    occurredAt?: Date;
  },
): Promise<string> {
  if (isEventType(e.type)) {
    const decoded = decodeEventPayload(e.type, e.payload);
    if (!decoded.ok) throw new Error(`appendEvent: ${e.type} does not match the event catalogue: ${decoded.problems}`);
  }
  const client = await sql.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [EVENT_APPEND_LOCK]);
    const r = await client.query<{ id: string }>(
      `INSERT INTO platform.event_log (type, source, aggregate_id, employer_id, counter_id, payload, actor_id, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'test', $7) RETURNING id`,
      [
        e.type,
        e.source,
        e.aggregateId,
        e.employerId ?? null,
        e.counterId ?? null,
        JSON.stringify(e.payload),
        e.occurredAt ?? new Date(),
      ],
    );
    await client.query('COMMIT');
    return r.rows[0]!.id;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/** The data of a response that must have no errors (the errors are the failure message). */
export function ok<T>(res: GqlResponse<T>): T {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!;
}

/** The demo agencies: A acts for DEMO_EMPLOYERS[0] and [1], B for [2] and [3]. */
export const AGENCY_A = DEMO_AGENCIES[0];
export const AGENCY_B = DEMO_AGENCIES[1];
/** Agency A's first employer, and agency B's (which agency A never sees). */
export const EMPLOYER = AGENCY_A.employerIds[0];
export const OTHER_EMPLOYER = AGENCY_B.employerIds[0];

/** A token of a handler of demo agency 0 (AGENCY_A: employers 1 and 2) or 1 (AGENCY_B: employers 3 and 4). */
export function agencyToken(sys: TestSystem, i: 0 | 1 = 0): Promise<string> {
  const a = DEMO_AGENCIES[i];
  return sys.token('AGENCY', {
    sub: `agency-${i}-handler`,
    name: `${a.name} handler`,
    agencyId: a.id,
    employerIds: [...a.employerIds],
  });
}

/**
 * The shared business clock (moved by `sys.advanceClock`), as counter-scheduling, which keeps
 * it, reports it (the gateway's GET /dev/clock answers the same).
 */
export async function businessNow(sys: TestSystem): Promise<Date> {
  const res = await fetch(new URL('/dev/clock', sys.stack.urls['counter-scheduling']));
  return new Date(((await res.json()) as { now: string }).now);
}

/** The first error's code, or undefined when the response has no error. */
export function errorCode(res: GqlResponse<unknown>): string | undefined {
  return res.errors?.[0]?.extensions?.code;
}

/** A request straight to one subgraph, signed as the gateway signs it (e.g. `_entities`). */
export async function directToSubgraph<T = Record<string, unknown>>(
  sys: TestSystem,
  subgraph: SubgraphName,
  query: string,
  variables: Record<string, unknown>,
  token: string | null,
): Promise<GqlResponse<T>> {
  const body = JSON.stringify({ query, variables });
  const authorization = token ? `Bearer ${token}` : '';
  const timestamp = String(Date.now());
  const signature = signRequest(subgraphSecret(subgraph, 'test'), {
    method: 'POST',
    path: '/graphql',
    body,
    authorization,
    timestamp,
  });
  const res = await fetch(sys.stack.urls[subgraph], {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization ? { authorization } : {}),
      [SIGNATURE_HEADER]: signature,
      [TIMESTAMP_HEADER]: timestamp,
    },
    body,
  });
  return { status: res.status, ...((await res.json()) as Omit<GqlResponse<T>, 'status'>) };
}

// Each area's helpers, one module each (they import the core above from this file).
export * from './run-process.js';
export * from './work-permit.js';
export * from './attachments.js';
export * from './residence-permit.js';
export * from './counter-scheduling.js';
export * from './sla.js';
export * from './gateway.js';
export * from './browser.js';
export * from './partner-receiver.js';
export * from './fake-clamd.js';
