import { signedConnectionParams, type Logger } from '@onestop/common';
import type { GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { SubgraphEndpoint } from '../config.js';

/** One `next` payload from a subgraph subscription. */
export interface UpstreamEvent {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

/** What a hub hears from its upstream subscription. */
export interface UpstreamHandlers {
  next(event: UpstreamEvent): void;
  /** The subscription ended with errors (the subgraph refused it, or it stayed unreachable). */
  error(err: unknown): void;
  complete(): void;
}

export interface UpstreamRequest {
  endpoint: SubgraphEndpoint;
  query: string;
  operationName: string | undefined;
  /** Read at every (re)subscribe, so a resumable subscription asks for what it missed. */
  variables(): Record<string, unknown>;
  /** The subscriber's Authorization to present (read at every connect: the freshest token wins). */
  authorization(): string;
  requestId: string;
  retryAttempts: number;
  logger: Logger;
}

/** An open upstream subscription. */
export interface Upstream {
  dispose(): void;
}

/** Opens the upstream side of a hub; replaced by a fake in unit specs. */
export type OpenUpstream = (request: UpstreamRequest, handlers: UpstreamHandlers) => Upstream;

/**
 * Subscribes to a subgraph over graphql-ws: one connection per upstream subscription, signed
 * connection params carrying the subscriber's Authorization and the request id, keep-alive
 * pings, and reconnects with back-off when the subgraph goes away. graphql-ws re-sends the
 * same Subscribe payload on reconnect; `variables` is a getter, so that payload carries the
 * latest `since` (resume.ts).
 */
export const openGraphqlWsUpstream: OpenUpstream = (request, handlers) => {
  const url = request.endpoint.url.replace(/^http/, 'ws');
  const client: Client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: true,
    keepAlive: 10_000,
    retryAttempts: request.retryAttempts,
    // Every close is worth a retry (a restarting subgraph closes with 1001 or 1006); fatal protocol codes are not retried by graphql-ws itself.
    shouldRetry: () => true,
    retryWait: async (retries) => new Promise((r) => setTimeout(r, Math.min(200 * 2 ** retries, 5000))),
    connectionParams: () => ({
      ...signedConnectionParams(request.endpoint.secret, request.authorization(), Date.now()),
      requestId: request.requestId,
    }),
    on: {
      connected: (_socket, _payload, wasRetry) => {
        if (wasRetry) request.logger.info({ subgraph: request.endpoint.name }, 'subgraph subscription reconnected');
      },
      closed: (event) => {
        const code = (event as { code?: number })?.code;
        if (code !== 1000)
          request.logger.warn({ subgraph: request.endpoint.name, code }, 'subgraph subscription connection closed');
      },
    },
  });
  const payload = {
    query: request.query,
    operationName: request.operationName,
    get variables() {
      return request.variables();
    },
  };
  let disposed = false;
  const unsubscribe = client.subscribe(payload, {
    next: (event) => handlers.next(event as UpstreamEvent),
    error: (err) => {
      if (!disposed) handlers.error(err);
      void client.dispose();
    },
    complete: () => {
      if (!disposed) handlers.complete();
      void client.dispose();
    },
  });
  return {
    dispose() {
      if (disposed) return;
      disposed = true;
      unsubscribe();
      void client.dispose();
    },
  };
};
