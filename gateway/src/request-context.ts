import type { GatewayGraphQLRequestContext, GatewaySchemaHash } from '@apollo/server-gateway-interface';
import type { Logger } from '@onestop/common';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { GatewayContext } from './context.js';

/**
 * `executeQueryPlan` reads a request context's request, context, document, operation and
 * logger; it never uses the cache or the hashes Apollo Server fills in for its own plugins.
 * A request the gateway executes itself (the fast path, a subscription event) has no Apollo
 * Server around it, so those are given empty values here, in one place.
 */
const NO_CACHE: GatewayGraphQLRequestContext['cache'] = {
  get: async () => undefined,
  set: async () => undefined,
  delete: async () => undefined,
};
/** No schema hash: nothing downstream of executeQueryPlan reports one. */
const NO_SCHEMA_HASH = '' as GatewaySchemaHash;

export interface OwnRequest {
  /** The client's query text, when it sent one (a subscription event has none). */
  query?: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  schema: GraphQLSchema;
  context: GatewayContext;
  logger: Logger;
}

/** The request context Apollo Gateway's `executeQueryPlan` gets for a request the gateway runs itself. */
export function gatewayRequestContext(own: OwnRequest): GatewayGraphQLRequestContext<GatewayContext> {
  return {
    request: { query: own.query, variables: own.variables, operationName: own.operationName },
    context: own.context,
    logger: own.logger,
    metrics: {},
    document: own.document,
    source: own.query ?? '',
    operation: own.operation,
    operationName: own.operation.name?.value ?? null,
    schema: own.schema,
    schemaHash: NO_SCHEMA_HASH,
    queryHash: '',
    cache: NO_CACHE,
    overallCachePolicy: undefined,
  };
}
