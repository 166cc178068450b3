import { buildOperationContext } from '@apollo/gateway';
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { inSpanSync, SPANS } from '../telemetry.js';
import { makeResumable, type Resumable } from './resume.js';

/** What the gateway needs to run one subscription operation. */
export interface PlannedSubscription {
  operationContext: ReturnType<typeof buildOperationContext>;
  /** The subgraph that owns the subscription field, and the operation to subscribe with. */
  primary: FetchNode;
  /** Fetches from the other subgraphs, run for every event (absent when the owner provides everything). */
  rest: PlanNode | undefined;
  /** Set when the subscription follows the resume convention (resume.ts). */
  resumable: Resumable | null;
}

/**
 * Plans subscriptions with the same query planner and supergraph the gateway uses for queries.
 * Apollo Gateway refuses to execute a `Subscription` plan node; the gateway runs `primary`
 * over graphql-ws and `rest` per event itself (subscription-hub.ts, event-executor.ts).
 */
export class SubscriptionPlanner {
  readonly apiSchema: Schema;
  /** The API schema as graphql-js sees it: what clients validate against. */
  readonly schema: GraphQLSchema;
  /** The supergraph schema (with join directives), which executeQueryPlan needs. */
  readonly supergraphSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly cache = new Map<string, PlannedSubscription>();

  constructor(
    supergraphSdl: string,
    private readonly cacheSize = 500,
  ) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.schema = this.apiSchema.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  /** Plans a validated subscription document; `cacheKey` identifies the normalised operation. */
  plan(document: DocumentNode, operationName: string | undefined, cacheKey: string): PlannedSubscription {
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const planned = inSpanSync(
      SPANS.plan,
      { 'graphql.operation.name': operationName ?? '', 'graphql.operation.type': 'subscription' },
      () => {
        const operation = operationFromDocument(this.apiSchema, document, { operationName });
        const plan = this.planner.buildQueryPlan(operation);
        const node = plan.node;
        if (node?.kind !== 'Subscription')
          throw new TypeError(`Expected a subscription plan, got ${node?.kind ?? 'an empty plan'}.`);
        const resumable = makeResumable(node.primary.operation, this.schema);
        return {
          operationContext: buildOperationContext({ schema: this.schema, operationDocument: document, operationName }),
          primary: node.primary,
          rest: node.rest,
          resumable,
        };
      },
    );
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(cacheKey, planned);
    return planned;
  }
}
