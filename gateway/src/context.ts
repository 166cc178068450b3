import type { buildOperationContext } from '@apollo/gateway';
import type { QueryPlan } from '@apollo/query-planner';
import type { Actor, Logger } from '@onestop/common';
import type { DocumentNode } from 'graphql';
import type { SubgraphCallLog } from './data-source.js';

/** What the gateway knows about a request (HTTP) or a subscription (WebSocket). */
export interface GatewayContext {
  actor: Actor | null;
  /** The caller's `Authorization` header value, forwarded to the subgraphs ('' when none). */
  authorization: string;
  requestId: string;
  logger: Logger;
  /** Set by the fast path: every subgraph call is recorded, or replayed when Apollo answers after all (data-source.ts). */
  subgraphCalls?: SubgraphCallLog;
  /** The agency budget was already charged for this request (by the fast path). */
  charged?: boolean;
  /** Filled by Apollo Gateway once it has planned this request: what the fast path keeps (fast-path.ts). */
  planned?: PlannedRequest;
}

/** A request's query plan and operation context, as Apollo Gateway resolved them. */
export interface PlannedRequest {
  document?: DocumentNode;
  plan?: QueryPlan;
  operationContext?: ReturnType<typeof buildOperationContext>;
}

/**
 * An HTTP request's context. Its logger (a child carrying the request id) is made on first use:
 * most requests log nothing but the access line, and a pino child per request is measurable
 * CPU at the gateway's request rates. The getter lives on the prototype, so Apollo Server's
 * shallow copy of the context keeps it lazy.
 */
export class HttpRequestContext implements GatewayContext {
  private child: Logger | undefined;
  subgraphCalls?: SubgraphCallLog;
  charged?: boolean;
  /** One object that Apollo Server's shallow copy of the context shares with this one. */
  readonly planned: PlannedRequest = {};

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
