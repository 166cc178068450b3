import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { FetchNode, QueryPlan } from '@apollo/query-planner';
import { maskError, type Logger } from '@onestop/common';
import type { FormattedExecutionResult } from 'graphql';
import { graphql } from '../graphql.js';
import type { GatewayContext } from '../context.js';
import { gatewayRequestContext } from '../request-context.js';
import { inSpan, SPANS } from '../telemetry.js';
import type { UpstreamEvent } from './upstream.js';
import type { PlannedSubscription, SubscriptionPlanner } from './subscription-planner.js';

const { GraphQLError, Kind } = graphql;

/** The pseudo-subgraph that "answers" the primary fetch with the event the owner pushed. */
const EVENT_SOURCE = '__onestop_subscription_event__';

/**
 * Completes one subscription event: the owning subgraph's payload is fed to the query plan as
 * the primary fetch's answer, `rest` fetches the other subgraphs' fields (entity fetches, in
 * parallel where the plan says so), and the gateway's own result shaping drops what the client
 * did not ask for (keys, the resume alias). Errors are masked like HTTP's.
 */
export class EventExecutor {
  constructor(
    private readonly planner: SubscriptionPlanner,
    private readonly dataSources: ReadonlyMap<string, GraphQLDataSource>,
    private readonly logger: Logger,
  ) {}

  async execute(
    planned: PlannedSubscription,
    event: UpstreamEvent,
    variables: Record<string, unknown>,
    ctx: GatewayContext,
  ): Promise<FormattedExecutionResult> {
    return inSpan(SPANS.subscriptionEvent, { 'onestop.subgraph': planned.primary.serviceName }, async () => {
      const primary: FetchNode = { ...planned.primary, serviceName: EVENT_SOURCE };
      const plan: QueryPlan = {
        kind: 'QueryPlan',
        node: planned.rest ? { kind: 'Sequence', nodes: [primary, planned.rest] } : primary,
      };
      const serviceMap: ServiceMap = Object.fromEntries(this.dataSources);
      serviceMap[EVENT_SOURCE] = {
        process: async () => ({ data: event.data ?? null, errors: event.errors }),
      };
      const { operationContext } = planned;
      const requestContext = gatewayRequestContext({
        variables,
        operationName: operationContext.operation.name?.value,
        document: {
          kind: Kind.DOCUMENT,
          definitions: [operationContext.operation, ...Object.values(operationContext.fragments)],
        },
        operation: operationContext.operation,
        schema: this.planner.schema,
        context: ctx,
        logger: ctx.logger,
      });
      const result = await executeQueryPlan(
        plan,
        serviceMap,
        requestContext,
        operationContext,
        this.planner.supergraphSchema,
        this.planner.apiSchema,
      );
      const errors = result.errors?.map((e) => {
        const error = e instanceof GraphQLError ? e : new GraphQLError(String((e as Error)?.message ?? e));
        return maskError(error.toJSON(), error, ctx.logger ?? this.logger);
      });
      return errors?.length ? { data: result.data ?? null, errors } : { data: result.data ?? null };
    });
  }
}
