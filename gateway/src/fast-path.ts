import type { IncomingHttpHeaders } from 'node:http';
import { executeQueryPlan, type ServiceMap, type ApolloGateway } from '@apollo/gateway';
import { Schema } from '@apollo/federation-internals';
import type { FetchNode, QueryPlan } from '@apollo/query-planner';
import { operationLabel, type Logger } from '@onestop/common';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import { BoundedCache } from './bounded-cache.js';
import type { GatewayContext, PlannedRequest } from './context.js';
import { SubgraphCallLog, type OneStopDataSource } from './data-source.js';
import { graphql } from './graphql.js';
import { installKeptOperations, keepOperation } from './kept-operations.js';
import { gatewayRequestContext } from './request-context.js';
import { compileShape, installCompiledShaping, shapeWith, type Shape } from './result-shaping.js';
import type { GatewayMetrics } from './metrics.js';
import { operationCost, type AgencyRateLimiter } from './rate-limit.js';
import type { SafelistMode } from './config.js';
import { memoizedOperationHash, safelistApplies, type Safelist } from './safelist.js';

const { getVariableValues, isSchema, Kind, parse, print } = graphql;

/** Operations kept ready (validated, planned) by their text; each holds its parsed document and plan. */
const PREPARED_ENTRIES = 1000;
/** Longer documents are left to Apollo Server (its own document cache is bounded by size as well). */
const PREPARED_MAX_CHARS = 20_000;

/** The parts of a JSON POST body the fast path reads, as Apollo Server reads them. */
export interface FastRequest {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
}

/** An operation Apollo Server validated and Apollo Gateway planned, kept to answer it again without them. */
export interface PreparedOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationContext: NonNullable<PlannedRequest['operationContext']>;
  plan: QueryPlan;
  /** The plan's one fetch when the subgraph's `data` is the response as it is (no reshaping). */
  passThrough: FetchNode | null;
  /** Otherwise, result shaping compiled for this operation, when it can be (result-shaping.ts). */
  shape: Shape | null;
  /** Apollo Server's response headers for a 200 answer, by the request's `Accept`. */
  headers: Map<string, ReadonlyArray<readonly [string, string]>>;
  /** Whether the safelist holds this operation (the safelist is fixed for the process; its hash depends on the text alone). */
  safelisted: boolean;
  /** The operation's metric labels, as graphqlMetricsPlugin labels it (fixed per operation). */
  labels: {
    answered: { operation: string; type: string; outcome: 'ok' };
    duration: { operation: string; type: string };
  };
}

/** A request the fast path can take: a prepared operation and the headers Apollo answers it with. */
export interface FastMatch {
  prepared: PreparedOperation;
  headers: ReadonlyArray<readonly [string, string]>;
}

export interface FastPathOptions {
  /** GATEWAY_FAST_PATH: off sends every request through Apollo Server. */
  on: boolean;
  gateway: ApolloGateway;
  dataSources: ReadonlyMap<string, OneStopDataSource>;
  safelistMode: SafelistMode;
  safelist: Safelist;
  limiter: AgencyRateLimiter;
  metrics: GatewayMetrics;
  logger: Logger;
  /** False when the supergraph hides parts of the schema (`@inaccessible`): then the gateway reshapes every answer. */
  passThroughAllowed: boolean;
}

/** How the fast path fared (tests and diagnostics). */
export interface FastPathStats {
  /** Operations kept ready. */
  prepared: number;
  /** Answered with the one subgraph's data as it was. */
  passedThrough: number;
  /** Answered through executeQueryPlan without Apollo Server. */
  executed: number;
  /** Handed to Apollo Server after the fast path had begun (errors, a refused check), calls replayed. */
  handedBack: number;
}

/**
 * The gateway's hot path for operations it has answered before (docs/gateway.md: performance).
 *
 * The first request with a given query text goes through Apollo Server and Apollo Gateway as
 * always: parsing, every validation rule (graphql-js, Armor's depth/alias/directive/cost
 * limits, no introspection in production), the safelist, the agency budget, planning. Once
 * that request was planned, its document, operation and plan are kept here by text. Later
 * requests with the same text, operation name and `Accept` header skip Apollo Server's
 * pipeline and the per-request rebuilding of the operation in Apollo Gateway's executor, and
 * go straight to the plan — after the per-request checks that do not depend on the text
 * alone, in the same order and with the same functions: the safelist for this actor, the
 * variables coerced against the operation, the agency's budget charged once.
 *
 * - A plan that is one fetch asking the subgraph exactly what the client asked (same
 *   selections, no fragments, no directives, no key or `__typename` added by the planner,
 *   no rewrites) is passed through: the subgraph's `data` is the answer.
 * - Any other plan runs through Apollo Gateway's own `executeQueryPlan`, with result shaping
 *   compiled for the operation where it can be (result-shaping.ts), computeResponse otherwise.
 *
 * The fast path only ever writes an answer that has data and no errors, with the headers
 * Apollo Server gave the same operation. Anything else (subgraph errors, partial
 * data with errors, a refused variable, safelist or budget) is handed to
 * Apollo Server, and the subgraph calls already made are replayed to it rather than made
 * again (`SubgraphCallLog`), so errors are placed and masked by the one code that always did,
 * and a mutation is sent once.
 */
export class FastPath {
  private readonly prepared = new BoundedCache<string, PreparedOperation>(PREPARED_ENTRIES);
  private readonly serviceMap: ServiceMap;
  private readonly apiSchema: Schema | undefined;
  private readonly supergraphSchema: GraphQLSchema | undefined;
  private readonly counts = { passedThrough: 0, executed: 0, handedBack: 0 };

  private readonly compiledShaping: boolean;

  constructor(private readonly opts: FastPathOptions) {
    this.serviceMap = Object.fromEntries(opts.dataSources);
    this.compiledShaping = opts.on && installCompiledShaping();
    if (opts.on) installKeptOperations();
    // The schemas Apollo Gateway's own executor hands executeQueryPlan (private fields, set once
    // the gateway has loaded); checked by class, so a version that keeps them elsewhere turns the fast path off.
    const apiSchema: unknown = Reflect.get(opts.gateway, 'apiSchema');
    const supergraphSchema: unknown = Reflect.get(opts.gateway, 'supergraphSchema');
    this.apiSchema = apiSchema instanceof Schema ? apiSchema : undefined;
    this.supergraphSchema = isSchema(supergraphSchema) ? supergraphSchema : undefined;
  }

  /** False when the gateway's internals are not where this version expects them: everything goes through Apollo. */
  get enabled(): boolean {
    return this.opts.on && this.apiSchema !== undefined && this.supergraphSchema !== undefined;
  }

  stats(): FastPathStats {
    return { prepared: this.prepared.size, ...this.counts };
  }

  /** The prepared operation and headers for this request, or null (Apollo Server answers it). */
  match(request: FastRequest, headers: IncomingHttpHeaders): FastMatch | null {
    if (!this.enabled) return null;
    // Apollo Gateway shows its query plan for this header outside production: its answer has extensions.
    if (headers['apollo-query-plan-experimental'] !== undefined) return null;
    const prepared = this.prepared.get(preparedKey(request));
    if (!prepared) return null;
    const answerHeaders = prepared.headers.get(headers.accept ?? '');
    return answerHeaders ? { prepared, headers: answerHeaders } : null;
  }

  /**
   * Answers a matched request: the response body, or null when Apollo Server must answer it
   * (with `context.subgraphCalls` replaying whatever was already asked of the subgraphs).
   */
  async answer(match: FastMatch, request: FastRequest, context: GatewayContext): Promise<string | null> {
    const { prepared } = match;
    const { actor } = context;
    const { safelistMode, limiter } = this.opts;
    // Each refusal below is left to Apollo Server, which refuses the request with its usual error.
    if (!prepared.safelisted && safelistApplies(safelistMode, actor)) return this.handBack();
    const definitions = prepared.operation.variableDefinitions;
    if (definitions?.length) {
      // What Apollo Gateway checks before it plans (validateIncomingRequest).
      const { errors } = getVariableValues(prepared.operationContext.schema, definitions, request.variables ?? {});
      if (errors) return this.handBack();
    }
    if (limiter.enabled && actor?.role === 'AGENCY' && actor.agencyId) {
      // A refusal takes nothing from the budget, so Apollo's plugin refuses it again (429, Retry-After).
      if (!limiter.take(actor.agencyId, operationCost(prepared.document, prepared.operation)).ok)
        return this.handBack();
      context.charged = true;
    }
    const started = performance.now();
    const calls = new SubgraphCallLog();
    context.subgraphCalls = calls;
    const body = prepared.passThrough
      ? await this.passThrough(prepared.passThrough, request, context)
      : await this.execute(prepared, request, context);
    if (body === null) {
      calls.replay();
      return this.handBack();
    }
    context.subgraphCalls = undefined;
    if (prepared.passThrough) this.counts.passedThrough++;
    else this.counts.executed++;
    this.countAnswered(prepared, started);
    return body;
  }

  private handBack(): null {
    this.counts.handedBack++;
    return null;
  }

  /** Keeps what Apollo resolved for a request it answered: the plan, and the headers of a 200. */
  learn(
    request: FastRequest,
    accept: string | undefined,
    context: GatewayContext,
    status: number,
    headers: Iterable<[string, string]>,
  ): void {
    const planned = context.planned;
    if (!this.enabled || !planned?.plan || !planned.operationContext || !planned.document) return;
    if (request.query.length > PREPARED_MAX_CHARS) return;
    const key = preparedKey(request);
    let prepared = this.prepared.get(key);
    if (!prepared) {
      const { operation } = planned.operationContext;
      if (operation.operation === 'subscription') return;
      const passThrough = this.opts.passThroughAllowed
        ? passThroughFetch(planned.plan, operation, planned.operationContext)
        : null;
      const { registry, knownOperation } = this.opts.metrics;
      // Apollo's requestContext.operationName: the resolved operation's own name, not the request's field.
      const label = registry.boundedOperation(
        operationLabel(planned.document, operation, operation.name?.value ?? null, knownOperation),
      );
      prepared = {
        document: planned.document,
        operation,
        operationContext: planned.operationContext,
        plan: planned.plan,
        passThrough,
        shape:
          !passThrough && this.compiledShaping && Object.keys(planned.operationContext.fragments).length === 0
            ? compileShape(planned.operationContext.schema, operation)
            : null,
        headers: new Map(),
        safelisted:
          this.opts.safelistMode === 'off' ||
          this.opts.safelist.has(memoizedOperationHash(planned.document, request.operationName)),
        labels: {
          answered: { operation: label, type: operation.operation, outcome: 'ok' },
          duration: { operation: label, type: operation.operation },
        },
      };
      if (!passThrough) keepOperation(operation);
      this.prepared.set(key, prepared);
    }
    // Apollo's headers for a 200 of this operation (content type by Accept, no per-request ones;
    // the only header a plugin adds, Retry-After, comes with a 429).
    if (status === 200 && prepared.headers.size < 8) prepared.headers.set(accept ?? '', [...headers]);
  }

  /** The one fetch, exactly as executeQueryPlan would make it; its `data` is the answer. */
  private passThrough(fetch: FetchNode, request: FastRequest, context: GatewayContext): Promise<string | null> {
    const source = this.opts.dataSources.get(fetch.serviceName);
    if (!source) return Promise.resolve(null);
    // executeFetch's variables: those the fetch uses, as the client sent them, in the plan's order.
    const variables = Object.create(null) as Record<string, unknown>;
    const provided = request.variables;
    for (const name of fetch.variableUsages ?? []) {
      if (provided && Object.hasOwn(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
    }
    return source.passThrough({ query: fetch.operation, variables, operationName: fetch.operationName }, context);
  }

  /** The plan through Apollo Gateway's executor, without Apollo Server around it. */
  private async execute(
    prepared: PreparedOperation,
    request: FastRequest,
    context: GatewayContext,
  ): Promise<string | null> {
    const { operation, operationContext, document } = prepared;
    // One object per request (executeQueryPlan treats none and {} alike): it names this request's shape.
    const variables = request.variables ?? {};
    if (prepared.shape) shapeWith(variables, operationContext.schema, prepared.shape, operation);
    const requestContext = gatewayRequestContext({
      query: request.query,
      variables,
      operationName: request.operationName,
      document,
      operation,
      schema: operationContext.schema,
      context,
      // Apollo Server hands the gateway its own logger, not the request's.
      logger: this.opts.logger,
    });
    const result = await executeQueryPlan(
      prepared.plan,
      this.serviceMap,
      requestContext,
      operationContext,
      this.supergraphSchema!,
      this.apiSchema!,
    );
    if (result.errors?.length) return null;
    const data = result.data;
    if (!data || typeof data !== 'object') return null;
    // Value completion's findings (a subgraph's null where the supergraph forbids one) come as
    // extensions, not errors: Apollo Server passes them through untouched, and so does this.
    return serialise(data, result.extensions);
  }

  /** What graphqlMetricsPlugin records for an operation Apollo answers without errors. */
  private countAnswered(prepared: PreparedOperation, started: number): void {
    const { registry } = this.opts.metrics;
    registry.operations.inc(prepared.labels.answered);
    registry.operationDuration.observe(prepared.labels.duration, (performance.now() - started) / 1000);
  }
}

/**
 * Apollo Server's body for a result without errors: `{"data":…}` (then `"extensions"` when
 * there are any) and a newline (orderExecutionResultFields + prettyJSONStringify).
 */
function serialise(data: object, extensions?: Record<string, unknown>): string {
  return `${JSON.stringify(extensions === undefined ? { data } : { data, extensions })}\n`;
}

function preparedKey(request: FastRequest): string {
  return `${request.operationName ?? ''}\n${request.query}`;
}

/**
 * The request as Apollo Server would read a JSON POST body, when the fast path may take it:
 * a string `query`, `operationName` a string or absent, `variables` an object or absent, no
 * `extensions` (persisted queries and the like stay with Apollo). Otherwise null.
 */
export function fastRequestOf(parsed: unknown, contentType: string | undefined): FastRequest | null {
  // CSRF prevention passes a JSON body; anything else (and GET) is Apollo's to judge.
  if (!contentType || mediaType(contentType) !== 'application/json') return null;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const { query, operationName, variables, extensions } = parsed as Record<string, unknown>;
  if (typeof query !== 'string' || extensions != null) return null;
  if (operationName != null && typeof operationName !== 'string') return null;
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
  return {
    query,
    operationName: operationName ?? undefined,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
  };
}

function mediaType(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/**
 * The plan's fetch when its answer needs no reshaping: a single fetch, no entity keys, no
 * rewrites, and the subgraph is asked exactly the client's selections (so its `data` has the
 * client's fields, in the client's order, under the client's aliases). Fragments, directives
 * (`@skip`/`@include` are evaluated by the gateway with the raw variables) and the gateway's
 * own root fields (`__typename`, introspection) keep an operation on the reshaping path.
 */
export function passThroughFetch(
  plan: QueryPlan,
  operation: OperationDefinitionNode,
  operationContext: NonNullable<PlannedRequest['operationContext']>,
): FetchNode | null {
  const node = plan.node;
  if (node?.kind !== 'Fetch' || node.requires) return null;
  if (node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length) return null;
  if (Object.keys(operationContext.fragments).length > 0) return null;
  if (operation.selectionSet.selections.some((s) => s.kind !== Kind.FIELD || s.name.value.startsWith('__')))
    return null;
  if (!plainSelections(operation.selectionSet)) return null;
  let document = node.operationDocumentNode;
  try {
    document ??= parse(node.operation);
  } catch {
    return null;
  }
  const fetched = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!fetched || fetched.operation !== operation.operation) return null;
  return print(fetched.selectionSet) === print(operation.selectionSet) ? node : null;
}

/** Fields only, without directives, all the way down. */
function plainSelections(set: SelectionSetNode): boolean {
  return set.selections.every(
    (s) => s.kind === Kind.FIELD && !s.directives?.length && (!s.selectionSet || plainSelections(s.selectionSet)),
  );
}
