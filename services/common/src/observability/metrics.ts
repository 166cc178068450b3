import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets (seconds) for GraphQL operations and subgraph calls: 2 ms … 10 s. */
export const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The most distinct operation labels one process records; later ones are counted as `(other)`. */
export const MAX_OPERATION_LABELS = 300;

/** Error codes a label may carry (the API's stable codes); anything else is `OTHER`. */
const KNOWN_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'CONFLICT',
  'INVALID_TRANSITION',
  'FINAL_DECISION',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_NOT_IN_SAFELIST',
  'OPERATION_RESOLUTION_FAILURE',
  'RATE_LIMITED',
  'VERIFICATION_OUTSTANDING',
  'CASE_WITHDRAWN',
  'WITHDRAWN',
]);

/** A code as a bounded label. */
export function errorCodeLabel(code: unknown): string {
  return typeof code === 'string' && KNOWN_CODES.has(code) ? code : 'OTHER';
}

/**
 * One process's Prometheus registry and the families every process shares (GraphQL operations;
 * Node.js process figures). Process-specific families (subgraph calls, subscriptions, event
 * consumers, SLA sweeps, the database pool) are added by their owners with {@link gauge} and
 * friends, so every family of the process is served from this one registry on `/metrics`.
 * Every label is bounded: operations by the schema's root fields or the safelist (see
 * `graphql-metrics-plugin.ts`), subgraphs and consumers by the code, error codes by a fixed list.
 */
export class ProcessMetrics {
  readonly registry = new Registry();
  readonly operations: Counter<'operation' | 'type' | 'outcome'>;
  readonly operationDuration: Histogram<'operation' | 'type'>;
  readonly operationErrors: Counter<'operation' | 'code'>;
  private readonly operationLabels = new Set<string>();

  constructor(
    readonly service: string,
    opts: { processMetrics?: boolean } = {},
  ) {
    this.registry.setDefaultLabels({ service });
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.operations = this.counter({
      name: 'onestop_graphql_operations_total',
      help: 'GraphQL operations answered, by operation, type and outcome (ok: no errors; error: at least one).',
      labelNames: ['operation', 'type', 'outcome'],
    });
    this.operationDuration = this.histogram({
      name: 'onestop_graphql_operation_duration_seconds',
      help: 'Time from receiving a GraphQL operation to its response, by operation.',
      labelNames: ['operation', 'type'],
      buckets: LATENCY_BUCKETS,
    });
    this.operationErrors = this.counter({
      name: 'onestop_graphql_errors_total',
      help: 'GraphQL errors in responses, by operation and extensions.code.',
      labelNames: ['operation', 'code'],
    });
  }

  /**
   * The label for an operation: itself while fewer than {@link MAX_OPERATION_LABELS} distinct
   * ones were seen, `(other)` after, so a schema change or a bug cannot grow the series without end.
   */
  boundedOperation(label: string): string {
    if (this.operationLabels.has(label)) return label;
    if (this.operationLabels.size >= MAX_OPERATION_LABELS) return '(other)';
    this.operationLabels.add(label);
    return label;
  }

  counter<L extends string>(cfg: { name: string; help: string; labelNames?: readonly L[] }): Counter<L> {
    return new Counter<L>({ ...cfg, registers: [this.registry] });
  }

  gauge<L extends string>(cfg: {
    name: string;
    help: string;
    labelNames?: readonly L[];
    collect?: (this: Gauge<L>) => void | Promise<void>;
  }): Gauge<L> {
    return new Gauge<L>({ ...cfg, registers: [this.registry] });
  }

  histogram<L extends string>(cfg: {
    name: string;
    help: string;
    labelNames?: readonly L[];
    buckets?: number[];
  }): Histogram<L> {
    return new Histogram<L>({ ...cfg, registers: [this.registry] });
  }

  /** The text exposition format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
