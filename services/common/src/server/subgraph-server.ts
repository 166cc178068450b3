import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Actor } from '../auth/actor.js';
import {
  REQUEST_ID_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyRequestSignature,
  signRequest,
} from '../auth/request-signing.js';
import type { ActorResolver } from '../auth/tokens.js';
import type { RunMode } from '../config.js';
import { StartupError } from '../errors.js';
import type { Logger } from '../logger.js';
import { maskError } from './error-masking.js';
import { graphqlMetricsPlugin } from '../observability/graphql-metrics-plugin.js';
import type { MetricsEndpoint } from '../observability/metrics-endpoint.js';
import type { ProcessMetrics } from '../observability/metrics.js';
import { inServerSpan } from '../observability/tracing.js';
import {
  actorOrRefuse,
  answerFailure,
  jsonOrRefuse,
  serveGraphQLEndpoint,
  type GraphQLEndpoint,
} from './graphql-endpoint.js';
import { headerMapOf, listen, readBody, sendGraphQLError, sendJson, writeGraphQLResponse } from './http-utils.js';

/** What every resolver of every subgraph receives. */
export interface RequestContext extends BaseContext {
  actor: Actor | null;
  requestId: string;
  logger: Logger;
}

/** Development-only routes (the shared clock control); absent in production. */
export interface DevRoutes {
  getClock(): Promise<{ offsetMs: number; now: string }>;
  advanceClock(ms: number): Promise<{ offsetMs: number; now: string }>;
}

export interface SubgraphServerOptions<C extends RequestContext> {
  name: string;
  schema: GraphQLSchema;
  port: number;
  host?: string;
  portEnvVar: string;
  /** HMAC secret shared with the gateway. */
  secret: string;
  mode: RunMode;
  /** The identity the gateway forwards (it verified the token; the request's HMAC signature proves it came from the gateway). */
  verifier: ActorResolver;
  logger: Logger;
  /** Adds the subgraph's per-request pieces (DataLoaders, services) to the base context. */
  context(base: RequestContext): C;
  /** Readiness: the database answers. */
  ready(): Promise<boolean>;
  dev?: DevRoutes;
  maxBodyBytes?: number;
  /** Per-operation metrics, and where `/metrics` is served (decision 0014). */
  metrics?: { registry: ProcessMetrics; endpoint: MetricsEndpoint };
  /** Whether a tracer is registered (`startTracing`): without one, requests skip the (no-op) span and its context. Default true. */
  tracing?: boolean;
}

/** A running subgraph. */
export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves one subgraph: POST /graphql (only requests signed by the gateway), graphql-ws
 * subscriptions on the same path (connection params signed the same way), /health and /ready.
 */
export async function startSubgraphServer<C extends RequestContext>(
  opts: SubgraphServerOptions<C>,
): Promise<RunningServer> {
  const { logger } = opts;
  const maxBody = opts.maxBodyBytes ?? 1_000_000;
  const apollo = new ApolloServer<C>({
    schema: opts.schema,
    introspection: opts.mode !== 'production',
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: opts.mode === 'production',
    formatError: (formatted, error) => maskError(formatted, error, logger),
    plugins: [
      // Apollo Server installs two plugins by default that cost every request: cache control
      // wraps every field resolver (willResolveField) to compute cache hints nobody reads (every
      // answer is per actor, and the gateway ignores subgraphs' Cache-Control), and inline
      // tracing (ftv1) serves Apollo Studio, which OneStop does not use.
      ApolloServerPluginCacheControlDisabled() as ApolloServerPlugin<C>,
      ApolloServerPluginInlineTraceDisabled() as ApolloServerPlugin<C>,
      ...(opts.metrics ? [graphqlMetricsPlugin<C>(opts.metrics.registry)] : []),
    ],
    // Requests are HMAC-signed by the gateway; CSRF prevention is the gateway's job.
    csrfPrevention: false,
    // Signals belong to runMain, which closes the servers, the event consumers and the pool in order.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const endpoint: GraphQLEndpoint = {
    service: opts.name,
    ready: async () => {
      const ok = await opts.ready().catch(() => false);
      return {
        ok,
        body: {
          status: ok ? 'ready' : 'unavailable',
          service: opts.name,
          database: ok ? 'up' : 'down',
          pid: process.pid,
        },
      };
    },
    metrics: opts.metrics?.endpoint,
    route: (req, res, url) => (url.pathname === '/dev/clock' && opts.dev ? devClock(req, res, url, opts) : undefined),
    methods: ['POST'],
    methodRefusal: 'Subgraphs accept POST from the gateway only.',
    maxBodyBytes: maxBody,
    graphql: async ({ req, url, body = '', requestId }, res) => {
      const authorization = headerValue(req, 'authorization') ?? '';
      const signed = verifyRequestSignature(
        opts.secret,
        {
          method: 'POST',
          path: url.pathname,
          body,
          authorization,
          timestamp: headerValue(req, TIMESTAMP_HEADER) ?? '',
        },
        headerValue(req, SIGNATURE_HEADER),
        wallClockMs(),
      );
      if (!signed)
        return sendGraphQLError(
          res,
          403,
          'This subgraph only accepts requests signed by the OneStop gateway.',
          'FORBIDDEN',
        );
      const actor = await actorOrRefuse(opts.verifier, authorization, res);
      if (actor === undefined) return;
      const parsed = jsonOrRefuse(res, body);
      if (!parsed) return;
      const reqLogger = logger.child({ requestId });
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: 'POST', headers: headerMapOf(req), search: url.search, body: parsed.value },
        context: async () => opts.context({ actor, requestId, logger: reqLogger }),
      });
      await writeGraphQLResponse(res, result);
    },
  };
  const handle = (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    serveGraphQLEndpoint(endpoint, req, res, headerValue(req, REQUEST_ID_HEADER) ?? randomUUID());

  const spanAttributes = { 'onestop.subgraph': opts.name };
  const tracing = opts.tracing ?? true;
  const server = createServer((req, res) => {
    // One server span per GraphQL request, continuing the gateway's trace (its `traceparent`).
    const traced =
      tracing && req.url === '/graphql'
        ? inServerSpan(SUBGRAPH_SPAN, req.headers, spanAttributes, () => handle(req, res))
        : handle(req, res);
    traced.catch((err: unknown) => answerFailure(res, logger, err));
  });
  server.keepAliveTimeout = 65_000;

  // noServer: the WebSocket server must not see the HTTP server's errors (EADDRINUSE is reported by `listen`).
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxBody });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/graphql') return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const masked = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((e) =>
      maskError(typeof e.toJSON === 'function' ? e.toJSON() : { message: String(e.message) }, e, logger),
    );
  const wsDisposable = useServer<Record<string, unknown>>(
    {
      schema: opts.schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const authorization = typeof params.authorization === 'string' ? params.authorization : '';
        const ok = verifyRequestSignature(
          opts.secret,
          { method: 'WS', path: '/graphql', body: '', authorization, timestamp: String(params.timestamp ?? '') },
          typeof params.signature === 'string' ? params.signature : undefined,
          wallClockMs(),
        );
        if (!ok) return false;
        try {
          (ctx.extra as Record<string, unknown>).actor = await opts.verifier.fromHeader(authorization);
        } catch {
          return false;
        }
        // The gateway's request id for this subscription, so its log lines here can be correlated.
        if (typeof params.requestId === 'string' && /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/.test(params.requestId)) {
          (ctx.extra as Record<string, unknown>).requestId = params.requestId;
        }
        return true;
      },
      context: (ctx) => {
        // What onConnect stored on the connection.
        const extra = ctx.extra as Record<string, unknown>;
        const requestId = typeof extra.requestId === 'string' ? extra.requestId : randomUUID();
        const actor = (extra.actor as Actor | null | undefined) ?? null;
        return opts.context({ actor, requestId, logger: logger.child({ requestId }) });
      },
      // Subscription results are masked like HTTP responses (a lost database is SERVICE_UNAVAILABLE, internals hidden).
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: masked(result.errors) as never } : result,
      onError: (_ctx, _id, _payload, errors) => masked(errors) as never,
    },
    wss,
  );

  const port = await listen(
    server,
    opts.port,
    opts.host ?? '127.0.0.1',
    `the ${opts.name} subgraph`,
    opts.portEnvVar,
  ).catch((err: Error) => {
    throw err.name === 'StartupError' ? new StartupError(err.message) : err;
  });
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}/graphql`,
    port,
    async close() {
      await wsDisposable.dispose();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await apollo.stop();
    },
  };
}

/** The span of one request a subgraph serves (stable for dashboards). */
export const SUBGRAPH_SPAN = 'onestop.subgraph.request';

/** Builds the connection params the gateway sends when it opens a WebSocket to a subgraph. */
export function signedConnectionParams(secret: string, authorization: string, nowMs: number): Record<string, string> {
  const timestamp = String(nowMs);
  return {
    authorization,
    timestamp,
    signature: signRequest(secret, { method: 'WS', path: '/graphql', body: '', authorization, timestamp }),
  };
}

async function devClock<C extends RequestContext>(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  opts: SubgraphServerOptions<C>,
): Promise<void> {
  const dev = opts.dev!;
  if (req.method === 'GET') return sendJson(res, 200, await dev.getClock());
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'GET or POST' });
  const body = await readBody(req, 10_000);
  const ok = verifyRequestSignature(
    opts.secret,
    {
      method: 'POST',
      path: url.pathname,
      body,
      authorization: headerValue(req, 'authorization') ?? '',
      timestamp: headerValue(req, TIMESTAMP_HEADER) ?? '',
    },
    headerValue(req, SIGNATURE_HEADER),
    wallClockMs(),
  );
  if (!ok) return sendJson(res, 403, { error: 'only the gateway may move the clock' });
  const { advanceMs } = JSON.parse(body) as { advanceMs?: unknown };
  if (typeof advanceMs !== 'number' || !(advanceMs >= 0))
    return sendJson(res, 400, { error: 'advanceMs must be a number >= 0' });
  return sendJson(res, 200, await dev.advanceClock(advanceMs));
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Signature freshness is judged on real time on both sides, never the (movable) business clock. */
function wallClockMs(): number {
  return Date.now();
}
