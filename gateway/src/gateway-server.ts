import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import {
  actorOrRefuse,
  answerFailure,
  createLogger,
  graphqlMetricsPlugin,
  listen,
  jsonOrRefuse,
  maskError,
  readBody,
  REQUEST_ID_HEADER,
  sendGraphQLError,
  sendJson,
  serveGraphQLEndpoint,
  signRequest,
  SIGNATURE_HEADER,
  startMetricsEndpoint,
  StartupError,
  TIMESTAMP_HEADER,
  TokenVerifier,
  type Actor,
  type GraphQLEndpoint,
  type GraphQLHttpRequest,
  type Logger,
} from '@onestop/common';
import { graphql } from './graphql.js';
import { createProtection, hideSuggestions } from './armor.js';
import type { GatewayConfig, SubgraphEndpoint } from './config.js';
import { HttpRequestContext, type GatewayContext } from './context.js';
import { AgencyRateLimiter, agencyRateLimitPlugin } from './rate-limit.js';
import { createDataSources } from './data-source.js';
import { FastPath, fastRequestOf, type FastPathStats } from './fast-path.js';
import { createGatewayMetrics } from './metrics.js';
import { requestIdFrom } from './request-id.js';
import { safelistFromManifest, safelistFromOperations, safelistPlugin, type Safelist } from './safelist.js';
import { EventExecutor } from './subscriptions/event-executor.js';
import { SubscriptionHubs } from './subscriptions/subscription-hub.js';
import { SubscriptionPlanner } from './subscriptions/subscription-planner.js';
import { openGraphqlWsUpstream, type OpenUpstream } from './subscriptions/upstream.js';
import { attachWebSocketServer } from './subscriptions/ws-server.js';
import { extractTraceContext, inSpan, otelContext, SpanKind, SPANS, tracingOn } from './telemetry.js';

const { GraphQLError } = graphql;

/** A running gateway. */
export interface RunningGateway {
  url: string;
  port: number;
  server: Server;
  /** Upstream subscriptions and their subscribers, for tests and diagnostics. */
  subscriptionStats(): { upstreams: number; subscribers: number };
  /** What the fast path answered and handed to Apollo, for tests and diagnostics. */
  fastPathStats(): FastPathStats;
  close(): Promise<void>;
}

/** Seams for tests; production uses the defaults. */
export interface GatewayOverrides {
  openUpstream?: OpenUpstream;
}

/**
 * The OneStop gateway: verifies tokens at the edge, plans and executes federated operations
 * from the committed supergraph (queries and mutations over HTTP and WebSocket, subscriptions
 * over graphql-ws with fan-out), signs every subgraph request, applies GraphQL Armor limits and
 * the operation safelist alike on both transports, masks internal errors, and reports each
 * subgraph's health.
 */
export async function startGateway(
  cfg: GatewayConfig,
  logger: Logger = createLogger('gateway', cfg.common.logLevel),
  overrides: GatewayOverrides = {},
): Promise<RunningGateway> {
  const supergraphSdl = await readFile(cfg.supergraphPath, 'utf8').catch(() => {
    throw new StartupError(`The supergraph is missing at ${cfg.supergraphPath}: run \`pnpm schema\`.`);
  });
  const production = cfg.common.mode === 'production';
  // Its closures read the safelist and the hubs, made below, only when called.
  const metrics = createGatewayMetrics(
    () => safelist,
    () => hubs.stats(),
  );
  const dataSources = createDataSources(cfg.subgraphs, cfg.subgraphTimeoutMs, metrics.subgraphCall);
  const gateway = new ApolloGateway({
    supergraphSdl,
    // What the fast path keeps of a request once it is planned (fast-path.ts).
    experimental_didResolveQueryPlan: ({ queryPlan, requestContext, operationContext }) => {
      const planned = (requestContext.context as Partial<GatewayContext>).planned;
      if (!planned) return;
      planned.plan = queryPlan;
      planned.operationContext = operationContext;
      planned.document = requestContext.document;
    },
    buildService: ({ name }) => {
      const ds = dataSources.get(name);
      if (!ds) throw new StartupError(`The supergraph names a subgraph "${name}" the gateway has no URL for.`);
      return ds;
    },
  });
  const protection = createProtection(cfg.limits, production);
  const safelist = await loadSafelist(cfg, logger);
  const limiter = new AgencyRateLimiter(cfg.agencyLimits);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    validationRules: protection.validationRules,
    plugins: [
      ...protection.apolloPlugins,
      // Every plugin costs each request its hooks; with the safelist off this one would only say "not applicable".
      ...(cfg.safelist === 'off' ? [] : [safelistPlugin(cfg.safelist, safelist)]),
      refuseSubscriptionsOverHttp(),
      graphqlMetricsPlugin<GatewayContext>(metrics.registry, metrics.knownOperation),
      ...(limiter.enabled ? [agencyRateLimitPlugin(limiter)] : []),
    ],
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // Production names no part of the schema: Apollo and Armor hide suggestions in validation
    // errors only, not in variable coercion's ("Did you mean the enum value …?").
    formatError: (formatted, error) =>
      maskError(production ? { ...formatted, message: hideSuggestions(formatted.message) } : formatted, error, logger),
    // The process's signals belong to runMain, which closes the WebSocket and HTTP servers first
    // and then this; Apollo's own handlers would race it and stall the stop for seconds.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const verifier = new TokenVerifier(cfg.common.auth);
  const planner = new SubscriptionPlanner(supergraphSdl);
  const hubs = new SubscriptionHubs(logger);
  const executor = new EventExecutor(planner, dataSources, logger);
  const fastPath = new FastPath({
    on: cfg.fastPath,
    gateway,
    dataSources,
    safelistMode: cfg.safelist,
    safelist,
    limiter,
    metrics,
    logger,
    passThroughAllowed: !/@inaccessible\b/.test(supergraphSdl),
  });
  if (cfg.fastPath && !fastPath.enabled)
    logger.warn('the gateway fast path is off: Apollo Gateway keeps its schemas elsewhere in this version');
  const metricsEndpoint = await startMetricsEndpoint(metrics.registry, cfg.common.observability.metrics, logger);

  const endpoint: GraphQLEndpoint = {
    service: 'gateway',
    ready: async () => {
      const subgraphs = await subgraphReadiness(cfg.subgraphs);
      const ok = Object.values(subgraphs).every((s) => s === 'ready');
      return { ok, body: { status: ok ? 'ready' : 'degraded', subgraphs, pid: process.pid } };
    },
    metrics: metricsEndpoint,
    route: (req, res, url) =>
      url.pathname === '/dev/clock' && !production ? devClock(req, res, cfg, verifier) : undefined,
    methods: ['GET', 'POST'],
    methodRefusal: 'Use POST (or GET for queries).',
    maxBodyBytes: cfg.maxBodyBytes,
    graphql: (request, res) => graphqlRequest(request, res),
  };

  const graphqlRequest = async (
    { req, url, method, body, requestId }: GraphQLHttpRequest,
    res: ServerResponse,
  ): Promise<void> => {
    let parsed: unknown;
    if (body !== undefined) {
      if (String(req.headers['content-type'] ?? '').includes('json')) {
        const json = jsonOrRefuse(res, body);
        if (!json) return;
        parsed = json.value;
      } else {
        parsed = body;
      }
    }
    const query = method === 'GET' ? url.searchParams.get('query') : (parsed as { query?: unknown } | undefined)?.query;
    const overLimit = typeof query === 'string' ? protection.tokenLimitError(query) : null;
    if (overLimit) return sendGraphQLError(res, 400, overLimit.message, 'GRAPHQL_PARSE_FAILED');
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
    // A token verified moments ago is answered from the verifier's cache without a promise.
    let actor = verifier.cachedActor(authorization);
    if (actor === undefined) {
      actor = await actorOrRefuse(verifier, authorization, res, { 'www-authenticate': 'Bearer' });
      if (actor === undefined) return;
    }
    const context = new HttpRequestContext(actor, authorization, requestId, logger);
    const fast = method === 'POST' ? fastRequestOf(parsed, req.headers['content-type']) : null;
    const match = fast && fastPath.match(fast, req.headers);
    if (match) {
      const answer = await fastPath.answer(match, fast, context);
      if (answer !== null) {
        for (const [k, v] of match.headers) res.setHeader(k, v);
        res.statusCode = 200;
        res.end(answer);
        return;
      }
      // Apollo answers it after all, from the subgraph answers already received (context.subgraphCalls).
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search: url.search, body: parsed },
      context: async () => context,
    });
    for (const [k, v] of result.headers) res.setHeader(k, v);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      if (fast) fastPath.learn(fast, req.headers.accept, context, res.statusCode, result.headers);
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };

  const accessLog = logger.isLevelEnabled('info');
  const server = createServer((req, res) => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    const started = performance.now();
    res.on('finish', () => {
      if (req.url?.startsWith('/graphql')) {
        metrics.httpResponse(res.statusCode);
        // The access line's object is built only when it is written (benchmarks and quiet deployments log at warn).
        if (accessLog)
          logger.info(
            {
              requestId,
              method: req.method,
              path: '/graphql',
              status: res.statusCode,
              ms: Math.round(performance.now() - started),
            },
            'request',
          );
      }
    });
    // One server span per request, continuing the caller's trace, when a tracer is registered.
    const served = tracingOn()
      ? otelContext.with(extractTraceContext(req.headers), () =>
          inSpan(
            SPANS.request,
            {
              'http.request.method': req.method ?? '',
              'url.path': (req.url ?? '/').split('?')[0]!,
              'onestop.request_id': requestId,
            },
            async (span) => {
              await serveGraphQLEndpoint(endpoint, req, res, requestId);
              span.setAttribute('http.response.status_code', res.statusCode);
            },
            SpanKind.SERVER,
          ),
        )
      : serveGraphQLEndpoint(endpoint, req, res, requestId);
    served.catch((err: unknown) => answerFailure(res, logger, err, { requestId }));
  });
  server.keepAliveTimeout = 65_000;
  const ws = attachWebSocketServer(server, {
    cfg,
    logger,
    verifier,
    protection,
    safelist,
    planner,
    executor,
    hubs,
    openUpstream: overrides.openUpstream ?? openGraphqlWsUpstream,
    apollo,
    rateLimiter: limiter,
  });
  const port = await listen(server, cfg.port, cfg.host, 'the gateway', 'GATEWAY_PORT').catch((err: Error) => {
    throw err.name === 'StartupError' ? new StartupError(err.message) : err;
  });
  logger.info({ port, safelist: cfg.safelist, safelisted: safelist.size }, 'gateway ready');
  return {
    url: `http://${cfg.host}:${port}/graphql`,
    port,
    server,
    subscriptionStats: () => hubs.stats(),
    fastPathStats: () => fastPath.stats(),
    async close() {
      await ws.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await apollo.stop();
      await metricsEndpoint.close();
    },
  };
}

/** The safelist: the manifest when configured, otherwise the dashboard's operation documents. */
async function loadSafelist(cfg: GatewayConfig, logger: Logger): Promise<Safelist> {
  const safelist = cfg.safelistManifestPath
    ? await safelistFromManifest(cfg.safelistManifestPath)
    : await safelistFromOperations(cfg.safelistOperationsDir);
  if (cfg.safelist !== 'off' && safelist.size === 0) {
    logger.warn(
      { source: cfg.safelistManifestPath ?? cfg.safelistOperationsDir },
      'GATEWAY_SAFELIST is enforced but the safelist is empty: every operation it applies to is refused',
    );
  }
  return safelist;
}

/** Subscriptions are served over graphql-ws; over HTTP they get a clear 400, not the gateway's internal refusal. */
function refuseSubscriptionsOverHttp(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'subscription') {
            throw new GraphQLError(
              'Subscriptions are served over WebSocket (graphql-ws protocol) on /graphql, not over HTTP.',
              {
                extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
              },
            );
          }
        },
      };
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
async function devClock(
  req: IncomingMessage,
  res: ServerResponse,
  cfg: GatewayConfig,
  verifier: TokenVerifier,
): Promise<void> {
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
  if (actor?.role !== 'MANAGER')
    return sendGraphQLError(res, 403, 'Only a MANAGER may move the development clock.', 'FORBIDDEN');
  const body = await readBody(req, 10_000);
  const timestamp = String(Date.now());
  const r = await fetch(clockUrl(cs), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signRequest(cs.secret, {
        method: 'POST',
        path: '/dev/clock',
        body,
        authorization: '',
        timestamp,
      }),
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
