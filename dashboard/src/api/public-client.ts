import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import { ConnectionStatus } from './connection';

/**
 * A client without a token, for the public pages (the waiting hall's screen, the receipt
 * look-up the receipt's QR code opens): they call only the API's public operations.
 */
export function createPublicApi(): { apollo: ApolloClient; connection: ConnectionStatus; dispose(): void } {
  const connection = new ConnectionStatus();
  const ws = createClient({
    url: `${location.origin.replace(/^http/, 'ws')}/graphql`,
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      connection.lost();
      await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** retries, 8_000)));
    },
    on: {
      connecting: () => connection.lost(),
      connected: () => connection.connected(),
      closed: () => connection.lost(),
    },
  });
  const link = ApolloLink.split(
    ({ query }) => {
      const def = getMainDefinition(query);
      return def.kind === 'OperationDefinition' && def.operation === OperationTypeNode.SUBSCRIPTION;
    },
    new GraphQLWsLink(ws),
    new HttpLink({ uri: '/graphql' }),
  );
  const apollo = new ApolloClient({ link, cache: new InMemoryCache() });
  // The browser says the network is gone: say so at once, and drop the socket so that it
  // reconnects (and the screen catches up from its last event) as soon as the network is back.
  const onOffline = (): void => {
    connection.offline();
    ws.terminate();
  };
  window.addEventListener('offline', onOffline);
  return {
    apollo,
    connection,
    dispose() {
      window.removeEventListener('offline', onOffline);
      void ws.dispose();
      apollo.stop();
    },
  };
}
