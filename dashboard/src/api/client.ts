import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import type { Client } from 'graphql-ws';
import { ConnectionStatus } from './connection';
import { createLiveSocket, liveLink } from './live-socket';

export interface Api {
  apollo: ApolloClient;
  ws: Client;
  connection: ConnectionStatus;
  /**
   * The token was renewed: HTTP requests use the new one at once; the WebSocket reconnects with
   * it (graphql-ws authenticates a connection once, at ConnectionInit), and every live view
   * resubscribes from the last event it showed, so nothing is lost or shown twice.
   */
  tokenRenewed(): void;
  dispose(): void;
}

/**
 * One Apollo client per session: queries and mutations over HTTP, subscriptions over
 * graphql-ws, both to /graphql on this origin (the dashboard server proxies it to the
 * gateway, so there is no CORS). The WebSocket reconnects forever with back-off; every
 * reconnection bumps `connection.generation` so live views resubscribe from the last event
 * they saw and refetch their snapshot. `token` is read for every request and connection, so a
 * renewed token is used without a new client (the views keep their state).
 */
export function createApi(token: () => string): Api {
  const connection = new ConnectionStatus();
  const ws = createLiveSocket(connection, () => ({ authorization: `Bearer ${token()}` }));
  const onOffline = (): void => connection.offline();
  const onOnline = (): void => connection.online();
  window.addEventListener('offline', onOffline);
  window.addEventListener('online', onOnline);

  const auth = new SetContextLink(({ headers }) => ({ headers: { ...headers, authorization: `Bearer ${token()}` } }));
  const http = new HttpLink({ uri: '/graphql' });
  const link = liveLink(ws, auth.concat(http));
  const apollo = new ApolloClient({
    link,
    cache: new InMemoryCache({
      typePolicies: {
        // Load figures are per counter and replaced whole by every update.
        CounterLoad: { keyFields: ['counterId'] },
      },
    }),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
  return {
    apollo,
    ws,
    connection,
    tokenRenewed() {
      // Closes the socket (4499); the client reconnects at once with the new token (shouldRetry).
      ws.terminate();
    },
    dispose() {
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
      void ws.dispose();
      apollo.stop();
      void apollo.clearStore();
    },
  };
}
