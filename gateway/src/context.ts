import type { Actor, Logger } from '@onestop/common';

/** What the gateway knows about a request (HTTP) or a subscription (WebSocket). */
export interface GatewayContext {
  actor: Actor | null;
  /** The caller's `Authorization` header value, forwarded to the subgraphs ('' when none). */
  authorization: string;
  requestId: string;
  logger: Logger;
}

/**
 * An HTTP request's context. Its logger (a child carrying the request id) is made on first use:
 * most requests log nothing but the access line, and a pino child per request is measurable
 * CPU at the gateway's request rates. The getter lives on the prototype, so Apollo Server's
 * shallow copy of the context keeps it lazy.
 */
export class HttpRequestContext implements GatewayContext {
  private child: Logger | undefined;

  constructor(
    readonly actor: Actor | null,
    readonly authorization: string,
    readonly requestId: string,
    private readonly parentLogger: Logger,
  ) {}

  get logger(): Logger {
    this.child ??= this.parentLogger.child({ requestId: this.requestId });
    return this.child;
  }
}
