export { ProcessMetrics, LATENCY_BUCKETS, MAX_OPERATION_LABELS, errorCodeLabel } from './metrics.js';
export { graphqlMetricsPlugin, operationLabel, type KnownOperation } from './graphql-metrics-plugin.js';
export { registerDatabaseMetrics, registerPoolMetrics } from './database-metrics.js';
export { httpRequestMetrics } from './http-metrics.js';
export { startMetricsEndpoint, type MetricsEndpoint } from './metrics-endpoint.js';
export { loadObservabilityConfig, type ObservabilityConfig } from './observability-config.js';
export { startTracing, inServerSpan, withSpan, failSpan, type Tracing } from './tracing.js';
