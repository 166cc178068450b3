import type { Actor, Logger } from '@onestop/common';

/** What the gateway knows about a request (HTTP) or a subscription (WebSocket). */
export interface GatewayContext {
  actor: Actor | null;
  /** The caller's `Authorization` header value, forwarded to the subgraphs ('' when none). */
  authorization: string;
  requestId: string;
  logger: Logger;
}
