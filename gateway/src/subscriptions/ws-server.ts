import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHash } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import { maskError, type Actor, type Logger, type TokenVerifier } from '@onestop/common';
import type { ExecutionArgs, FormattedExecutionResult } from 'graphql';
import { graphql } from '../graphql.js';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { MessageType } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { hideSuggestions, type Protection } from '../armor.js';
import type { GatewayConfig } from '../config.js';
import type { GatewayContext } from '../context.js';
import { requestIdFrom } from '../request-id.js';
import { chargeSubscription, type AgencyRateLimiter } from '../rate-limit.js';
import { memoizedOperationHash, notInSafelistError, safelistApplies, type Safelist } from '../safelist.js';
import { inSpan, SPANS } from '../telemetry.js';
import type { EventExecutor } from './event-executor.js';
import { eventIdOf, RESUME_VARIABLE } from './resume.js';
import type { ResultSink, SubscriptionHubs } from './subscription-hub.js';
import type { PlannedSubscription, SubscriptionPlanner } from './subscription-planner.js';
import type { OpenUpstream, UpstreamEvent } from './upstream.js';

const { getOperationAST, getVariableValues, GraphQLError } = graphql;

/** What the gateway keeps about one WebSocket connection. */
interface Connection {
  actor: Actor | null;
  authorization: string;
  requestId: string;
  expiresAt: number;
  expiry?: NodeJS.Timeout;
}

type ConnectionExtra = Extra & { onestop?: Connection };

/** What onSubscribe hands to execute/subscribe through `contextValue`. */
interface OperationContext {
  gateway: GatewayContext;
  source: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  rawVariables: Record<string, unknown> | undefined;
  extensions: Record<string, unknown> | undefined;
  hash: string;
  planned?: PlannedSubscription;
  expiresAt: number;
  /** Where this subscription's results are written (its graphql-ws id on its socket). */
  sink: ResultSink;
}

export interface WebSocketDeps {
  cfg: GatewayConfig;
  logger: Logger;
  verifier: TokenVerifier;
  protection: Protection;
  safelist: Safelist;
  planner: SubscriptionPlanner;
  executor: EventExecutor;
  hubs: SubscriptionHubs;
  openUpstream: OpenUpstream;
  apollo: ApolloServer<GatewayContext>;
  /** Per-agency budgets (decision 0011): opening a subscription is charged like a request. */
  rateLimiter?: AgencyRateLimiter;
}

/**
 * graphql-ws on the gateway's /graphql: identity verified at ConnectionInit (an invalid token
 * closes with 4403), the same Armor limits and safelist as HTTP in onSubscribe, queries and
 * mutations run through Apollo, subscriptions through the fan-out hubs.
 */
export function attachWebSocketServer(server: Server, deps: WebSocketDeps): { close(): Promise<void> } {
  const { cfg, logger } = deps;
  const production = cfg.common.mode === 'production';
  // noServer: the WebSocket server must not see the HTTP server's errors (EADDRINUSE is reported by `listen`).
  const wss = new WebSocketServer({ noServer: true, maxPayload: cfg.maxBodyBytes });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/graphql') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  const disposable = useServer<Record<string, unknown>, { onestop: Connection }>(
    {
      connectionInitWaitTimeout: cfg.websocket.connectionInitTimeoutMs,
      onConnect: async (ctx) => {
        const extra = ctx.extra as ConnectionExtra;
        const params = ctx.connectionParams ?? {};
        const raw = params.authorization ?? params.Authorization;
        const requestId = requestIdFrom(extra.request.headers['x-request-id'] ?? params.requestId);
        // Absent is anonymous; anything else that is not a string is a credential we cannot read.
        if (raw !== undefined && raw !== null && typeof raw !== 'string') {
          logger.info({ requestId }, 'websocket refused: authorization is not a string');
          return false;
        }
        const authorization = raw ?? '';
        let actor: Actor | null;
        try {
          actor = await deps.verifier.fromHeader(authorization);
        } catch (err) {
          logger.info({ requestId, reason: (err as Error).message }, 'websocket refused: invalid token');
          return false;
        }
        const expiresAt = tokenExpiry(authorization);
        const connection: Connection = { actor, authorization, requestId, expiresAt };
        if (Number.isFinite(expiresAt)) {
          // A subscription lives no longer than the identity it was opened with.
          connection.expiry = setTimeout(
            () => extra.socket.close(4403, 'Forbidden: the token has expired'),
            Math.max(0, expiresAt - Date.now()),
          );
          connection.expiry.unref();
        }
        (extra as { onestop?: Connection }).onestop = connection;
        logger.debug({ requestId, role: actor?.role ?? null }, 'websocket connected');
        return true;
      },
      onClose: (ctx) => {
        const c = (ctx.extra as ConnectionExtra).onestop;
        if (c?.expiry) clearTimeout(c.expiry);
      },
      onSubscribe: (ctx, id, payload) => {
        const connection = (ctx.extra as ConnectionExtra).onestop!;
        const active = Object.keys(ctx.subscriptions).length;
        if (active >= cfg.websocket.maxOperationsPerConnection) {
          return [
            new GraphQLError(
              `At most ${cfg.websocket.maxOperationsPerConnection} operations may run at once on one connection.`,
              { extensions: { code: 'BAD_REQUEST' } },
            ),
          ];
        }
        const checked = deps.protection.check(deps.planner.schema, payload.query);
        if ('errors' in checked) return checked.errors;
        const document = checked.document;
        const operationName = payload.operationName ?? undefined;
        const operation = getOperationAST(document, operationName);
        if (!operation) {
          return [
            new GraphQLError('The document has no operation by that name; send operationName when it has several.', {
              extensions: { code: 'OPERATION_RESOLUTION_FAILURE' },
            }),
          ];
        }
        const hash = memoizedOperationHash(document, operationName);
        if (safelistApplies(cfg.safelist, connection.actor) && !deps.safelist.has(hash)) {
          return [
            new GraphQLError(notInSafelistError().message, {
              extensions: { code: notInSafelistError().extensions.code },
            }),
          ];
        }
        const limited = chargeSubscription(deps.rateLimiter, connection.actor, document, operation);
        if (limited) return [limited];
        const coerced = getVariableValues(
          deps.planner.schema,
          operation.variableDefinitions ?? [],
          payload.variables ?? {},
        );
        if (coerced.errors)
          return coerced.errors.map(
            (e) =>
              new GraphQLError(production ? hideSuggestions(e.message) : e.message, {
                nodes: e.nodes,
                extensions: { code: 'BAD_USER_INPUT' },
              }),
          );
        const requestId = `${connection.requestId}:${id}`.slice(0, 128);
        const gateway: GatewayContext = {
          actor: connection.actor,
          authorization: connection.authorization,
          requestId,
          logger: logger.child({ requestId }),
        };
        const contextValue: OperationContext = {
          gateway,
          source: payload.query,
          operationName,
          variables: coerced.coerced,
          rawVariables: payload.variables ?? undefined,
          extensions: payload.extensions ?? undefined,
          hash: hash ?? sha256(payload.query),
          expiresAt: connection.expiresAt,
          sink: socketSink((ctx.extra as ConnectionExtra).socket, id),
        };
        if (operation.operation === 'subscription') {
          try {
            contextValue.planned = deps.planner.plan(document, operationName, contextValue.hash);
          } catch (err) {
            gateway.logger.error({ err: (err as Error).message }, 'subscription planning failed');
            return [
              new GraphQLError('This subscription cannot be planned against the current supergraph.', {
                extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
              }),
            ];
          }
        }
        return {
          schema: deps.planner.schema,
          document,
          operationName,
          variableValues: coerced.coerced,
          contextValue,
        } satisfies ExecutionArgs;
      },
      // graphql-ws types results with GraphQLError instances; it only serialises them, and ours are already formatted (masked).
      execute: (args) => executeOverApollo(deps.apollo, args.contextValue as OperationContext) as never,
      subscribe: (args) => subscribe(deps, args.contextValue as OperationContext) as never,
      // Results are formatted and masked already (Apollo's formatError, EventExecutor); graphql-ws would call toJSON on them.
      onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => maskError(e.toJSON(), e, logger)),
    },
    wss,
  );

  return {
    async close() {
      server.off('upgrade', onUpgrade);
      deps.hubs.closeAll();
      await disposable.dispose();
      wss.close();
    },
  };
}

/** Queries and mutations over the socket go through Apollo: the same plugins, limits, safelist and masking as HTTP. */
async function executeOverApollo(
  apollo: ApolloServer<GatewayContext>,
  op: OperationContext,
): Promise<FormattedExecutionResult> {
  const response = await apollo.executeOperation(
    { query: op.source, operationName: op.operationName, variables: op.rawVariables, extensions: op.extensions },
    { contextValue: op.gateway },
  );
  if (response.body.kind !== 'single') {
    return {
      errors: [
        { message: 'Incremental delivery is not supported over this connection.', extensions: { code: 'BAD_REQUEST' } },
      ],
    };
  }
  return response.body.singleResult as FormattedExecutionResult;
}

/** The access scope subscribers must share to share an upstream subscription. */
export function scopeKey(actor: Actor | null, sharing: GatewayConfig['websocket']['sharing']): string {
  if (!actor) return 'anonymous';
  if (sharing === 'actor') return `actor:${actor.id}`;
  return [
    'scope',
    actor.role,
    actor.agencyId ?? '',
    [...actor.employerIds].sort().join(','),
    actor.counterId ?? '',
  ].join('|');
}

function subscribe(
  deps: WebSocketDeps,
  op: OperationContext,
): Promise<AsyncIterableIterator<FormattedExecutionResult>> {
  const planned = op.planned!;
  const { cfg } = deps;
  const ctx = op.gateway;
  return inSpan(
    SPANS.subscribe,
    { 'graphql.operation.name': op.operationName ?? '', 'onestop.subgraph': planned.primary.serviceName },
    async () => {
      const resumable = planned.resumable;
      const initialSince = resumable ? resumable.initialSince(op.variables) : null;
      // A client that asks for a replay (`since`) gets its own upstream: joining a shared one would skip the replay.
      const privateHub = initialSince !== null;
      const key = [
        op.hash,
        canonicalJson(op.variables),
        scopeKey(ctx.actor, cfg.websocket.sharing),
        privateHub ? `${ctx.requestId}` : '',
      ].join('\u0000');
      const endpoint = cfg.subgraphs.find((s) => s.name === planned.primary.serviceName);
      if (!endpoint) {
        return single({
          errors: [
            {
              message: 'This subscription is served by a subgraph this gateway does not know.',
              extensions: { code: 'INTERNAL_SERVER_ERROR' },
            },
          ],
        });
      }
      const source = () => ({
        open: (handlers: Parameters<OpenUpstream>[1], authorization: () => string, resumeFrom: () => string | null) =>
          deps.openUpstream(
            {
              endpoint,
              query: resumable?.operation ?? planned.primary.operation,
              operationName: planned.primary.operationName,
              variables: () => upstreamVariables(planned, op.variables, resumeFrom() ?? initialSince),
              authorization,
              requestId: ctx.requestId,
              retryAttempts: cfg.websocket.upstreamRetryAttempts,
              logger: ctx.logger,
            },
            handlers,
          ),
        complete: (event: UpstreamEvent, authorization: string) =>
          deps.executor.execute(planned, event, op.variables, { ...ctx, authorization }),
        eventId: (event: UpstreamEvent) => (resumable ? eventIdOf(event.data, resumable.responseName) : null),
      });
      ctx.logger.debug({ hub: op.hash.slice(0, 12), subgraph: endpoint.name }, 'subscribed');
      return deps.hubs.subscribe(key, source, {
        authorization: ctx.authorization,
        expiresAt: op.expiresAt,
        requestId: ctx.requestId,
        sink: op.sink,
      });
    },
  );
}

/**
 * Writes a subscription's results straight to its socket as graphql-ws `next` messages. The
 * hub serialises each event's result once and every subscriber's message is that text inside
 * the same frame graphql-ws would build (`{"id":…,"type":"next","payload":…}`), so fan-out
 * costs one socket write per subscriber rather than a serialisation and an async hand-off
 * through graphql-ws each. graphql-ws still owns the subscription's lifetime (ids, `complete`,
 * the client's `complete`, close); it sends nothing for it but the final `complete`.
 *
 * No write callback: at 5,000 subscribers per event a callback per write (and its completion
 * tick) was a fifth of the fan-out's CPU. The backlog is read from what the socket still holds
 * (`bufferedAmount`, bytes handed to ws but not yet to the kernel), counted in frames of the
 * size last sent; it is only computed when something is held, i.e. for a slow reader.
 */
export function socketSink(socket: WebSocket, id: string): ResultSink {
  const prefix = `{"id":${JSON.stringify(id)},"type":"${MessageType.Next}","payload":`;
  let last = '';
  let lastBytes = 0;
  return {
    send(resultJson) {
      // A closing socket: graphql-ws drops messages for it the same way.
      if (socket.readyState !== socket.OPEN) return;
      last = `${prefix}${resultJson}}`;
      lastBytes = 0;
      socket.send(last);
    },
    backlog() {
      const held = socket.bufferedAmount;
      if (!held) return 0;
      lastBytes ||= Buffer.byteLength(last);
      return Math.ceil(held / Math.max(1, lastBytes));
    },
  };
}

/** The variables of the subgraph operation: the client's (those it uses) plus the resume position. */
function upstreamVariables(
  planned: PlannedSubscription,
  variables: Record<string, unknown>,
  since: string | null,
): Record<string, unknown> {
  const names = planned.resumable ? planned.resumable.variableNames : (planned.primary.variableUsages ?? []);
  const out: Record<string, unknown> = {};
  for (const n of names) if (variables[n] !== undefined) out[n] = variables[n];
  if (planned.resumable) out[RESUME_VARIABLE] = since;
  return out;
}

async function single(result: FormattedExecutionResult): Promise<AsyncIterableIterator<FormattedExecutionResult>> {
  let sent = false;
  const it: AsyncIterableIterator<FormattedExecutionResult> = {
    [Symbol.asyncIterator]: () => it,
    next: async () => (sent ? { value: undefined, done: true } : ((sent = true), { value: result, done: false })),
    return: async () => ({ value: undefined, done: true }),
  };
  return it;
}

/** JSON with sorted keys, so equal variables give equal hub keys. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The `exp` of a (verified) JWT in ms, Infinity when absent. */
function tokenExpiry(authorization: string): number {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
  if (!token) return Infinity;
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : Infinity;
  } catch {
    return Infinity;
  }
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
