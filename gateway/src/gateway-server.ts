import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  BodyTooLargeError,
  createLogger,
  listen,
  maskError,
  OneStopError,
  readBody,
  REQUEST_ID_HEADER,
  sendGraphQLError,
  sendJson,
  signRequest,
  SIGNATURE_HEADER,
  StartupError,
  TIMESTAMP_HEADER,
  TokenVerifier,
  type Actor,
  type Logger,
} from '@onestop/common';
import type { GatewayConfig, SubgraphEndpoint } from './config.js';
import { signingFetcher } from './signing-fetcher.js';

/** What the gateway knows about a request. */
export interface GatewayContext {
  actor: Actor | null;
  authorization: string;
  requestId: string;
  logger: Logger;
}

/** A running gateway. */
export interface RunningGateway {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/**
 * The OneStop gateway: verifies tokens at the edge, plans and executes federated operations
 * from the committed supergraph, signs every subgraph request, applies GraphQL Armor limits,
 * masks internal errors, and reports each subgraph's health.
 */
export async function startGateway(cfg: GatewayConfig, logger: Logger = createLogger('gateway', cfg.common.logLevel)): Promise<RunningGateway> {
  const supergraphSdl = await readFile(cfg.supergraphPath, 'utf8').catch(() => {
    throw new StartupError(`The supergraph is missing at ${cfg.supergraphPath}: run \`pnpm schema\`.`);
  });
  const endpoints = new Map(cfg.subgraphs.map((s) => [s.name, s]));
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => {
      const ep = endpoints.get(name as SubgraphEndpoint['name']);
      if (!ep) throw new StartupError(`The supergraph names a subgraph "${name}" the gateway has no URL for.`);
      return new RemoteGraphQLDataSource<GatewayContext>({
        url: ep.url,
        fetcher: signingFetcher(ep.secret, cfg.subgraphTimeoutMs),
        willSendRequest({ request, context }) {
          if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          if (context.requestId) request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
        },
      });
    },
  });
  const production = cfg.common.mode === 'production';
  const armor = new ApolloArmor({
    maxDepth: { n: 12 },
    maxAliases: { n: 15 },
    maxTokens: { n: 3000 },
    maxDirectives: { n: 20 },
    costLimit: { maxCost: 20_000 },
    blockFieldSuggestion: { enabled: production },
  });
  const protection = armor.protect();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // Armor is published as CommonJS and typed against Apollo's CJS build; its plugins and rules are plain objects.
    validationRules: protection.validationRules,
    plugins: protection.plugins as unknown as ApolloServerPlugin<GatewayContext>[],
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    formatError: (formatted, error) => maskError(formatted, error, logger),
  });
  await apollo.start();
  const verifier = new TokenVerifier(cfg.common.auth);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const requestId = randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok', service: 'gateway' });
    if (url.pathname === '/ready') {
      const subgraphs = await subgraphReadiness(cfg.subgraphs);
      const ok = Object.values(subgraphs).every((s) => s === 'ready');
      return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'degraded', subgraphs });
    }
    if (url.pathname === '/dev/clock' && !production) return devClock(req, res, cfg, verifier);
    if (url.pathname !== '/graphql') return sendJson(res, 404, { error: 'not found' });
    if (req.method !== 'POST' && req.method !== 'GET') {
      return sendGraphQLError(res, 405, 'Use POST (or GET for queries).', 'BAD_REQUEST', { allow: 'GET, POST' });
    }
    let parsed: unknown;
    if (req.method === 'POST') {
      let body: string;
      try {
        body = await readBody(req, cfg.maxBodyBytes);
      } catch (err) {
        if (err instanceof BodyTooLargeError) return sendGraphQLError(res, 413, `The request body is larger than ${cfg.maxBodyBytes} bytes.`, 'BAD_REQUEST');
        throw err;
      }
      const type = String(req.headers['content-type'] ?? '');
      if (type.includes('json')) {
        try {
          parsed = JSON.parse(body);
        } catch {
          return sendGraphQLError(res, 400, 'The request body is not valid JSON.', 'BAD_REQUEST');
        }
      } else {
        parsed = body;
      }
    }
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
    let actor: Actor | null;
    try {
      actor = await verifier.fromHeader(authorization);
    } catch (err) {
      if (err instanceof OneStopError) return sendGraphQLError(res, 401, err.message, err.code, { 'www-authenticate': 'Bearer' });
      throw err;
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const reqLogger = logger.child({ requestId });
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method, headers, search: url.search, body: parsed },
      context: async () => ({ actor, authorization, requestId, logger: reqLogger }),
    });
    for (const [k, v] of result.headers) res.setHeader(k, v);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err: (err as Error).message }, 'request failed');
      if (!res.headersSent) sendGraphQLError(res, 500, 'Internal error.', 'INTERNAL_SERVER_ERROR');
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000;
  const port = await listen(server, cfg.port, cfg.host, 'the gateway', 'GATEWAY_PORT').catch((err: Error) => {
    throw err.name === 'StartupError' ? new StartupError(err.message) : err;
  });
  logger.info({ port }, 'gateway ready');
  return {
    url: `http://${cfg.host}:${port}/graphql`,
    port,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await apollo.stop();
    },
  };
}

/** `ready` or `down` for each subgraph, asked in parallel with a short timeout. */
async function subgraphReadiness(subgraphs: SubgraphEndpoint[]): Promise<Record<string, 'ready' | 'down'>> {
  const entries = await Promise.all(
    subgraphs.map(async (s) => {
      try {
        const res = await fetch(new URL('/ready', s.url), { signal: AbortSignal.timeout(2000) });
        return [s.name, res.ok ? 'ready' : 'down'] as const;
      } catch {
        return [s.name, 'down'] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * Development and test only: moves the shared business clock forward (MANAGER token), then
 * waits until every subgraph reports the new time, so callers can rely on it at once.
 */
async function devClock(req: IncomingMessage, res: ServerResponse, cfg: GatewayConfig, verifier: TokenVerifier): Promise<void> {
  const cs = cfg.subgraphs.find((s) => s.name === 'counter-scheduling')!;
  const clockUrl = (s: SubgraphEndpoint): URL => new URL('/dev/clock', s.url);
  if (req.method === 'GET') {
    const r = await fetch(clockUrl(cs));
    return sendJson(res, r.status, await r.json());
  }
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'GET or POST' });
  let actor: Actor | null = null;
  try {
    actor = await verifier.fromHeader(typeof req.headers.authorization === 'string' ? req.headers.authorization : '');
  } catch {
    actor = null;
  }
  if (actor?.role !== 'MANAGER') return sendGraphQLError(res, 403, 'Only a MANAGER may move the development clock.', 'FORBIDDEN');
  const body = await readBody(req, 10_000);
  const timestamp = String(Date.now());
  const r = await fetch(clockUrl(cs), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signRequest(cs.secret, { method: 'POST', path: '/dev/clock', body, authorization: '', timestamp }),
    },
    body,
  });
  const moved = (await r.json()) as { offsetMs?: number };
  if (!r.ok || typeof moved.offsetMs !== 'number') return sendJson(res, r.status, moved);
  const target = moved.offsetMs - 50;
  const deadline = Date.now() + 3000;
  for (const s of cfg.subgraphs) {
    while (Date.now() < deadline) {
      const c = (await (await fetch(clockUrl(s))).json()) as { offsetMs: number };
      if (c.offsetMs >= target) break;
      await new Promise((ok) => setTimeout(ok, 10));
    }
  }
  return sendJson(res, 200, moved);
}
