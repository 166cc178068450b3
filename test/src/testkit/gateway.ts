/**
 * Fixture subgraphs for the gateway's tests: three small federated schemas, served by the
 * same `startSubgraphServer` as the real subgraphs (signed requests only, graphql-ws with
 * signed connection params), composed into a test supergraph that a gateway started in this
 * process serves. One fixture owns a Subscription whose payload references the `Case` entity;
 * the two others extend `Case`, so every subscription event needs both of them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createLogger,
  DEFAULT_CLAIM_MAPPING,
  ForwardedIdentity,
  startSubgraphServer,
  subgraphSecret,
  UnauthenticatedError,
  type Actor,
  type OneStopClaims,
  type RequestContext,
  type Role,
  type RunningServer,
  type SubgraphName,
} from '@onestop/common';
import { serveTestIssuer, type ServedTestIssuer } from '@onestop/common/testing';
import type { GatewayConfig, RunningGateway } from '@onestop/gateway';
import { parse } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { GqlResponse } from './index.js';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

/** A case as the fixtures know it. */
export interface FixtureCase {
  id: string;
  reference: string;
  employerId: string;
  applicant: string;
  residencePermitStatus: string;
}

export const FIXTURE_CASES: FixtureCase[] = [
  {
    id: 'case-1',
    reference: 'OS-2026-000001',
    employerId: 'emp-a',
    applicant: 'Ada Lovelace',
    residencePermitStatus: 'UNDER_REVIEW',
  },
  {
    id: 'case-2',
    reference: 'OS-2026-000002',
    employerId: 'emp-b',
    applicant: 'Alan Turing',
    residencePermitStatus: 'ISSUED',
  },
];

/** An SLA breach the counter-scheduling fixture publishes. */
export interface FixtureAlert {
  eventId: string;
  kind: string;
  caseId: string;
  employerId: string;
}

/** What each fixture subgraph saw, for assertions. */
export interface FixtureObservations {
  /** `slaBreached` subscribe calls (one per upstream subscription), with their `since`. */
  subscribes: { since: string | null; actor: Actor | null; requestId: string }[];
  /** Open `slaBreached` streams right now. */
  activeStreams: number;
  /** Request ids each subgraph saw (HTTP and WebSocket). */
  requestIds: Record<SubgraphName, string[]>;
  /** Actors each subgraph saw. */
  actors: Record<SubgraphName, (Actor | null)[]>;
}

/** Knobs the tests turn. */
export interface FixtureControls {
  /** Milliseconds each subgraph waits before answering a field. */
  delayMs: Record<SubgraphName, number>;
}

const SDL: Record<SubgraphName, string> = {
  'counter-scheduling': `${LINK}
    type Query {
      counterName(id: ID!): String
      "A case work-permit does not know: its non-null fields are missing from the answer (value completion)."
      orphanCase: Case
    }
    type Subscription {
      "SLA breaches, replayed after since when given."
      slaBreached(since: ID): SlaAlert
      "A feed without the resume convention."
      heartbeat: Heartbeat
    }
    type SlaAlert { eventId: ID! kind: String! case: Case }
    type Heartbeat { n: Int! }
    type Case @key(fields: "id") { id: ID! counterId: ID }`,
  'work-permit': `${LINK}
    type Query { case(id: ID!): Case cases: [Case!]! secret: String }
    type Case @key(fields: "id") { id: ID! reference: String! employerId: ID! applicant: Applicant }
    type Applicant { fullName: String! }`,
  'residence-permit': `${LINK}
    type Query { receipt(number: String!, format: ReceiptFormat): String }
    enum ReceiptFormat { SHORT FULL }
    type Case @key(fields: "id") { id: ID! residencePermit: ResidencePermit }
    type ResidencePermit { status: String! }`,
};

type Ctx = RequestContext;

function visible(actor: Actor | null, c: FixtureCase | undefined): boolean {
  if (!actor || !c) return false;
  return actor.role !== 'AGENCY' || actor.employerIds.includes(c.employerId);
}

/** The in-memory event feed behind `slaBreached`: a history for replays and live listeners. */
class AlertFeed {
  readonly history: FixtureAlert[] = [];
  private readonly listeners = new Set<(a: FixtureAlert) => void>();
  private next = 1;

  publish(kind: string, caseId: string): FixtureAlert {
    const c = FIXTURE_CASES.find((x) => x.id === caseId)!;
    const alert = { eventId: String(this.next++), kind, caseId, employerId: c.employerId };
    this.history.push(alert);
    for (const l of this.listeners) l(alert);
    return alert;
  }

  /** History after `since` (when given), then live alerts; `return()` ends it at once, as a real event feed's does. */
  stream(
    since: string | null,
    accept: (a: FixtureAlert) => boolean,
    onEnd: () => void,
  ): AsyncIterableIterator<FixtureAlert> {
    const queue: FixtureAlert[] = since ? this.history.filter((a) => Number(a.eventId) > Number(since)) : [];
    let wake: ((r: IteratorResult<FixtureAlert>) => void) | undefined;
    let ended = false;
    const listener = (a: FixtureAlert): void => {
      if (!accept(a)) return;
      if (wake) {
        const w = wake;
        wake = undefined;
        w({ value: a, done: false });
      } else queue.push(a);
    };
    this.listeners.add(listener);
    const end = (): IteratorResult<FixtureAlert> => {
      if (!ended) {
        ended = true;
        this.listeners.delete(listener);
        onEnd();
        wake?.({ value: undefined, done: true });
      }
      return { value: undefined, done: true };
    };
    const it: AsyncIterableIterator<FixtureAlert> = {
      [Symbol.asyncIterator]: () => it,
      next: async () => {
        while (queue.length) {
          const a = queue.shift()!;
          if (accept(a)) return { value: a, done: false };
        }
        if (ended) return { value: undefined, done: true };
        return new Promise((r) => (wake = r));
      },
      return: async () => end(),
    };
    return it;
  }
}

function resolvers(
  name: SubgraphName,
  feed: AlertFeed,
  seen: FixtureObservations,
  controls: FixtureControls,
): Record<string, unknown> {
  const delay = async (): Promise<void> => {
    if (controls.delayMs[name] > 0) await new Promise((r) => setTimeout(r, controls.delayMs[name]));
  };
  const observe = (ctx: Ctx): void => {
    seen.requestIds[name].push(ctx.requestId);
    seen.actors[name].push(ctx.actor);
  };
  const byId = (id: string): FixtureCase | undefined => FIXTURE_CASES.find((c) => c.id === id);
  if (name === 'counter-scheduling') {
    return {
      Query: {
        orphanCase: () => ({ id: 'case-orphan', counterId: 'chaoyang-cbd' }),
        counterName: async (_: unknown, { id }: { id: string }, ctx: Ctx) => (
          observe(ctx),
          await delay(),
          `Counter ${id}`
        ),
      },
      Subscription: {
        slaBreached: {
          subscribe: (_: unknown, { since }: { since?: string | null }, ctx: Ctx) => {
            observe(ctx);
            if (!ctx.actor) throw new UnauthenticatedError();
            const actor = ctx.actor;
            seen.subscribes.push({ since: since ?? null, actor, requestId: ctx.requestId });
            seen.activeStreams++;
            // The subgraph scopes the feed: an agency only hears about its own employers' cases.
            return feed.stream(
              since ?? null,
              (a) => visible(actor, byId(a.caseId)),
              () => seen.activeStreams--,
            );
          },
          resolve: (a: FixtureAlert) => ({
            eventId: a.eventId,
            kind: a.kind,
            case: { id: a.caseId, counterId: 'chaoyang-cbd' },
          }),
        },
        heartbeat: {
          subscribe: async function* () {
            for (let n = 1; ; n++) {
              yield { heartbeat: { n } };
              await new Promise((r) => setTimeout(r, 50));
            }
          },
        },
      },
      Case: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, counterId: 'chaoyang-cbd' }) },
    };
  }
  if (name === 'work-permit') {
    const toCase = (c: FixtureCase) => ({
      id: c.id,
      reference: c.reference,
      employerId: c.employerId,
      applicant: { fullName: c.applicant },
    });
    return {
      Query: {
        case: async (_: unknown, { id }: { id: string }, ctx: Ctx) => {
          observe(ctx);
          await delay();
          const c = byId(id);
          return visible(ctx.actor, c) ? toCase(c!) : null;
        },
        cases: (_: unknown, __: unknown, ctx: Ctx) => (
          observe(ctx),
          FIXTURE_CASES.filter((c) => visible(ctx.actor, c)).map(toCase)
        ),
        secret: () => {
          // An internal failure with details that must never reach a client.
          throw new TypeError('relation "wp.secret" does not exist at postgres://wp:hunter2@10.0.0.5/db');
        },
      },
      Case: {
        __resolveReference: async (ref: { id: string }, ctx: Ctx) => {
          observe(ctx);
          await delay();
          const c = byId(ref.id);
          return visible(ctx.actor, c) ? toCase(c!) : null;
        },
      },
    };
  }
  return {
    Query: { receipt: (_: unknown, { number }: { number: string }) => `valid:${number}` },
    Case: {
      __resolveReference: async (ref: { id: string }, ctx: Ctx) => {
        observe(ctx);
        await delay();
        const c = byId(ref.id);
        return visible(ctx.actor, c) ? { id: c!.id, residencePermit: { status: c!.residencePermitStatus } } : null;
      },
    },
  };
}

/** One fixture subgraph that can be stopped and started again on the same port. */
export interface FixtureSubgraph {
  name: SubgraphName;
  url: string;
  port: number;
  running: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Gateway settings for production mode against the fixture subgraphs (their secrets; the issuer comes from the fixture). */
export const PRODUCTION_GATEWAY_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  SUBGRAPH_SECRET_WORK_PERMIT: subgraphSecret('work-permit', 'test', {}),
  SUBGRAPH_SECRET_RESIDENCE_PERMIT: subgraphSecret('residence-permit', 'test', {}),
  SUBGRAPH_SECRET_COUNTER_SCHEDULING: subgraphSecret('counter-scheduling', 'test', {}),
};

/** A fixture system: three subgraphs and a gateway on the composed test supergraph. */
export interface FixtureSystem {
  gateway: RunningGateway;
  config: GatewayConfig;
  gatewayUrl: string;
  wsUrl: string;
  supergraphPath: string;
  subgraphs: Record<SubgraphName, FixtureSubgraph>;
  feed: AlertFeed;
  seen: FixtureObservations;
  controls: FixtureControls;
  token(role: Role, claims?: Partial<OneStopClaims>): Promise<string>;
  /** The issuer the gateway trusts (sign odd tokens with it: expired, without exp, …). */
  idp: ServedTestIssuer;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; data?: T | null; errors?: GqlError[] }>;
  /** A graphql-ws client of the gateway. */
  wsClient(token?: string | null, extra?: Record<string, unknown>): Client;
  /** Starts another gateway on the same fixtures with different settings. */
  startGateway(env?: Record<string, string>): Promise<{ gateway: RunningGateway; url: string; wsUrl: string }>;
  stop(): Promise<void>;
}

/** One error of a GraphQL response (the core's `GqlResponse` errors). */
export type GqlError = NonNullable<GqlResponse['errors']>[number];

/** Starts the fixture subgraphs and a gateway; `env` adds gateway settings. */
export async function startFixtureSystem(env: Record<string, string> = {}): Promise<FixtureSystem> {
  // Loaded here, not at the top: every test imports this module through the testkit's index,
  // and only the gateway's own tests need Apollo's composition and a gateway in-process.
  const [{ composeServices }, { buildSubgraphSchema }, { loadGatewayConfig, startGateway }] = await Promise.all([
    import('@apollo/composition'),
    import('@apollo/subgraph'),
    import('@onestop/gateway'),
  ]);
  const feed = new AlertFeed();
  const seen: FixtureObservations = {
    subscribes: [],
    activeStreams: 0,
    requestIds: { 'work-permit': [], 'residence-permit': [], 'counter-scheduling': [] },
    actors: { 'work-permit': [], 'residence-permit': [], 'counter-scheduling': [] },
  };
  const controls: FixtureControls = { delayMs: { 'work-permit': 0, 'residence-permit': 0, 'counter-scheduling': 0 } };
  // The gateway verifies against this issuer's JWKS; the fixture subgraphs trust the gateway's signed forwarding.
  const idp = await serveTestIssuer();
  const verifier = new ForwardedIdentity({ claims: DEFAULT_CLAIM_MAPPING });
  const logger = createLogger('fixture', 'silent');
  const names: SubgraphName[] = ['work-permit', 'residence-permit', 'counter-scheduling'];
  const subgraphs = {} as Record<SubgraphName, FixtureSubgraph>;
  for (const name of names) {
    const schema = buildSubgraphSchema([
      {
        typeDefs: parse(SDL[name]),
        resolvers: resolvers(name, feed, seen, controls) as never,
      },
    ]);
    let server: RunningServer | undefined;
    let port = 0;
    const sub: FixtureSubgraph = {
      name,
      url: '',
      port: 0,
      running: false,
      async start() {
        server = await startSubgraphServer<RequestContext>({
          name,
          schema,
          port,
          portEnvVar: 'FIXTURE_PORT',
          secret: subgraphSecret(name, 'test', {}),
          mode: 'test',
          verifier,
          logger,
          context: (base) => base,
          ready: async () => true,
        });
        port = server.port;
        sub.port = port;
        sub.url = server.url;
        sub.running = true;
      },
      async stop() {
        await server?.close();
        sub.running = false;
      },
    };
    await sub.start();
    subgraphs[name] = sub;
  }
  const composed = composeServices(
    names.map((name) => ({ name, url: subgraphs[name].url, typeDefs: parse(SDL[name]) })),
  );
  if (composed.errors?.length || !composed.supergraphSdl)
    throw new Error(`fixture composition failed: ${composed.errors?.map((e) => e.message).join('; ')}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'onestop-gw-fixture-'));
  const supergraphPath = path.join(dir, 'supergraph.graphql');
  await writeFile(supergraphPath, composed.supergraphSdl);

  const gateways: RunningGateway[] = [];
  const launch = async (
    more: Record<string, string>,
  ): Promise<{ gateway: RunningGateway; config: GatewayConfig; url: string; wsUrl: string }> => {
    const config = loadGatewayConfig({
      NODE_ENV: 'test',
      GATEWAY_PORT: '0',
      SUPERGRAPH_PATH: supergraphPath,
      WORK_PERMIT_URL: subgraphs['work-permit'].url,
      RESIDENCE_PERMIT_URL: subgraphs['residence-permit'].url,
      COUNTER_SCHEDULING_URL: subgraphs['counter-scheduling'].url,
      GATEWAY_SAFELIST_OPERATIONS: path.join(dir, 'no-operations'),
      OIDC_ISSUER: idp.auth.issuer,
      ...env,
      ...more,
    });
    const gateway = await startGateway(config, createLogger('gateway', more.LOG_LEVEL ?? env.LOG_LEVEL ?? 'silent'));
    gateways.push(gateway);
    return { gateway, config, url: gateway.url, wsUrl: gateway.url.replace(/^http/, 'ws') };
  };
  const first = await launch({});
  const token = (role: Role, claims: Partial<OneStopClaims> = {}): Promise<string> =>
    idp.sign({
      sub: `${role.toLowerCase()}-fixture`,
      role,
      ...(role === 'CLERK' ? { counterId: 'chaoyang-cbd' } : {}),
      ...(role === 'AGENCY' ? { agencyId: 'agency-a', employerIds: ['emp-a'] } : {}),
      ...claims,
    });
  const clients: Client[] = [];
  return {
    gateway: first.gateway,
    config: first.config,
    gatewayUrl: first.url,
    wsUrl: first.wsUrl,
    supergraphPath,
    subgraphs,
    feed,
    seen,
    controls,
    token,
    idp,
    async gql(query, variables = {}, tok, headers = {}) {
      const res = await fetch(first.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(tok ? { authorization: `Bearer ${tok}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: never; errors?: GqlError[] };
      return { status: res.status, headers: res.headers, ...body };
    },
    wsClient(tok, extra = {}) {
      const client = createClient({
        url: first.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        connectionParams: { ...(tok ? { authorization: `Bearer ${tok}` } : {}), ...extra },
      });
      clients.push(client);
      return client;
    },
    async startGateway(more = {}) {
      const g = await launch(more);
      return { gateway: g.gateway, url: g.url, wsUrl: g.wsUrl };
    },
    async stop() {
      await Promise.all(clients.map((c) => c.dispose()));
      for (const g of gateways) await g.close();
      for (const s of Object.values(subgraphs)) if (s.running) await s.stop();
      await rm(dir, { recursive: true, force: true });
      await idp.close();
    },
  };
}

/** A graphql-ws client of a gateway (its HTTP URL) as `token`, connecting on first use, never retrying. */
export function wsClient(gatewayUrl: string, token: string): Client {
  return createClient({
    url: gatewayUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: { authorization: `Bearer ${token}` },
  });
}

/** Collects a subscription's results until `count` arrived (or fails after `timeoutMs`). */
export function collect<T = Record<string, unknown>>(
  client: Client,
  payload: { query: string; variables?: Record<string, unknown>; operationName?: string },
): {
  results: { data?: T | null; errors?: GqlError[] }[];
  done: Promise<void>;
  stop(): void;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
} {
  const results: { data?: T | null; errors?: GqlError[] }[] = [];
  let finish!: () => void;
  let fail!: (err: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  done.catch(() => undefined);
  const stop = client.subscribe<T>(payload, {
    next: (r) => void results.push(r as never),
    error: (e) => {
      results.push({
        errors: Array.isArray(e) ? (e as GqlError[]) : [{ message: String((e as { reason?: string })?.reason ?? e) }],
      });
      fail(e);
    },
    complete: () => finish(),
  });
  return {
    results,
    done,
    stop,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (results.length < count) {
        if (Date.now() > deadline)
          throw new Error(`expected ${count} results, got ${results.length}: ${JSON.stringify(results)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** Opens a raw graphql-transport-ws socket, sends the messages ('ack' waits for connection_ack), resolves with the close code. */
export function closeCode(url: string, messages: (Record<string, unknown> | 'ack')[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws');
    const timer = setTimeout(() => reject(new Error('socket did not close')), 10_000);
    let queue = [...messages];
    const pump = (): void => {
      while (queue.length && queue[0] !== 'ack') ws.send(JSON.stringify(queue.shift()));
    };
    ws.on('open', pump);
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as { type: string };
      if (m.type === 'connection_ack' && queue[0] === 'ack') {
        queue = queue.slice(1);
        pump();
      }
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    ws.on('error', () => undefined);
  });
}

/** POSTs a GraphQL body to a gateway URL. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; errors?: GqlError[]; data?: unknown; headers: Headers }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, ...(JSON.parse(text) as object) };
}

/** Runs one operation over graphql-ws and returns what came back (data or errors). */
export async function overWs(
  wsUrl: string,
  query: string,
  token?: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: unknown; errors?: GqlError[] }> {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
  try {
    const sub = collect(client, { query, variables });
    await sub.done.catch(() => undefined);
    await sub.waitFor(1);
    return sub.results[0]!;
  } finally {
    await client.dispose();
  }
}
