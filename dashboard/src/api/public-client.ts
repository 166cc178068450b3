import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { ConnectionStatus } from './connection';
import { createLiveSocket, liveLink } from './live-socket';

/**
 * A client without a token, for the public pages (the waiting hall's screen, the receipt
 * look-up the receipt's QR code opens): they call only the API's public operations.
 */
export function createPublicApi(): { apollo: ApolloClient; connection: ConnectionStatus; dispose(): void } {
  const connection = new ConnectionStatus();
  const ws = createLiveSocket(connection);
  const link = liveLink(ws, new HttpLink({ uri: '/graphql' }));
  const apollo = new ApolloClient({ link, cache: new InMemoryCache() });
  // The browser says the network is gone: say so at once, and drop the socket so that it
  // reconnects (and the screen catches up from its last event) as soon as the network is back.
  const onOffline = (): void => {
    connection.offline();
    ws.terminate();
  };
  const onOnline = (): void => connection.online();
  window.addEventListener('offline', onOffline);
  window.addEventListener('online', onOnline);
  return {
    apollo,
    connection,
    dispose() {
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
      void ws.dispose();
      apollo.stop();
    },
  };
}
