import { describe, expect, it } from 'vitest';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { EnvReader } from '../config.js';
import { createLogger } from '../logger.js';
import { operationLabel } from './graphql-metrics-plugin.js';
import { startMetricsEndpoint } from './metrics-endpoint.js';
import { MAX_OPERATION_LABELS, ProcessMetrics } from './metrics.js';
import { loadObservabilityConfig } from './observability-config.js';

const config = (env: Record<string, string>, mode: 'production' | 'development' = 'development') =>
  loadObservabilityConfig(new EnvReader(env), mode);

describe('observability configuration (decision 0014)', () => {
  it('serves /metrics on the main port outside production, nowhere in production, on METRICS_PORT when set', () => {
    expect(config({}).metrics).toBe('main');
    expect(config({}, 'production').metrics).toBe('off');
    expect(config({ METRICS_PORT: '9464', HOST: '0.0.0.0' }, 'production').metrics).toEqual({
      port: 9464,
      host: '0.0.0.0',
    });
    expect(config({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' }).metrics).toEqual({
      port: 9464,
      host: '10.0.0.5',
    });
    expect(() => config({ METRICS_PORT: 'x' })).toThrow(/METRICS_PORT/);
  });

  it('exports traces only when an OTLP endpoint is configured', () => {
    expect(config({}).otlpTracesUrl).toBeUndefined();
    expect(config({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).otlpTracesUrl).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(
      config({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b/traces' })
        .otlpTracesUrl,
    ).toBe('http://b/traces');
    expect(() => config({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => config({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });
});

describe('metrics endpoint', () => {
  const logger = createLogger('spec', 'silent');

  it('on a port of its own: answers /metrics there and leaves the main port alone', async () => {
    const metrics = new ProcessMetrics('spec', { processMetrics: false });
    metrics.operations.inc({ operation: 'query a', type: 'query', outcome: 'ok' });
    const endpoint = await startMetricsEndpoint(metrics, { port: 0, host: '127.0.0.1' }, logger);
    try {
      const res = await fetch(`http://127.0.0.1:${endpoint.port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(
        'onestop_graphql_operations_total{operation="query a",type="query",outcome="ok",service="spec"} 1',
      );
      expect((await fetch(`http://127.0.0.1:${endpoint.port}/graphql`)).status).toBe(404);
      expect(endpoint.handle({} as never, {} as never, '/metrics')).toBe(false);
    } finally {
      await endpoint.close();
    }
  });

  it('off (production without METRICS_PORT): the main port does not answer /metrics', async () => {
    const endpoint = await startMetricsEndpoint(new ProcessMetrics('spec', { processMetrics: false }), 'off', logger);
    expect(endpoint.handle({} as never, {} as never, '/metrics')).toBe(false);
    expect(endpoint.port).toBeUndefined();
  });
});

describe('operation labels', () => {
  const op = (text: string): [ReturnType<typeof parse>, OperationDefinitionNode] => {
    const doc = parse(text);
    return [doc, doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode];
  };

  it('use the root field, not the client’s operation name, unless the name is known', () => {
    const [doc, def] = op('query AnythingAtAll { serviceCounters { id } cityLoad { date } }');
    expect(operationLabel(doc, def, 'AnythingAtAll')).toBe('query serviceCounters');
    const [doc2, def2] = op('query CityLoad { cityLoad { date } }');
    expect(operationLabel(doc2, def2, 'CityLoad', () => true)).toBe('CityLoad');
    const [doc3, def3] = op('mutation { ... on Mutation { fileCase { id } } }');
    expect(operationLabel(doc3, def3, undefined)).toBe('mutation (fragment)');
  });

  it('are capped per process: past the cap every new one is (other)', () => {
    const metrics = new ProcessMetrics('spec', { processMetrics: false });
    for (let i = 0; i < MAX_OPERATION_LABELS; i++) expect(metrics.boundedOperation(`query f${i}`)).toBe(`query f${i}`);
    expect(metrics.boundedOperation('query oneTooMany')).toBe('(other)');
    expect(metrics.boundedOperation('query f0')).toBe('query f0');
  });
});
