import { ApolloLink } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { OperationTypeNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import type { ConnectionStatus } from './connection';

/**
 * The graphql-ws socket to /graphql on this origin (the dashboard server proxies it to the
 * gateway), shared by the signed-in and the public clients: it reconnects forever with jittered
 * back-off and reports every state to `connection` (the header's indicator; live views
 * resubscribe from their last event when `connection.generation` changes).
 */
export function createLiveSocket(
  connection: ConnectionStatus,
  connectionParams?: () => Record<string, unknown>,
): Client {
  return createClient({
    url: `${location.origin.replace(/^http/, 'ws')}/graphql`,
    connectionParams,
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      connection.lost();
      await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** retries, 8_000) * (0.75 + Math.random() / 2)));
    },
    on: {
      connecting: () => connection.lost(),
      connected: () => connection.connected(),
      closed: () => connection.lost(),
      // Traffic on the open socket proves it is live (see ConnectionStatus.alive).
      message: () => connection.alive(),
      pong: () => connection.alive(),
    },
  });
}

/** Subscriptions over the socket, everything else over `http`. */
export function liveLink(ws: Client, http: ApolloLink): ApolloLink {
  return ApolloLink.split(
    ({ query }) => {
      const def = getMainDefinition(query);
      return def.kind === 'OperationDefinition' && def.operation === OperationTypeNode.SUBSCRIPTION;
    },
    new GraphQLWsLink(ws),
    http,
  );
}
