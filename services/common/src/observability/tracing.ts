import { context, propagation, trace, SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { ObservabilityConfig } from './observability-config.js';

/** A registered tracer provider; `shutdown` exports what is still buffered. */
export interface Tracing {
  enabled: boolean;
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry SDK for this process when an OTLP endpoint is configured:
 * W3C trace context in and out (`traceparent` on the gateway's signed subgraph calls),
 * spans batched and sent over OTLP/HTTP (JSON) as `onestop-<service>`. Without an endpoint
 * nothing is registered and `@opentelemetry/api` keeps every span a no-op.
 */
export function startTracing(service: string, cfg: ObservabilityConfig, version = '0.1.0'): Tracing {
  if (!cfg.otlpTracesUrl) return { enabled: false, shutdown: async () => undefined };
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': `onestop-${service}`,
      'service.namespace': 'onestop',
      'service.version': version,
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(cfg.traceSampleRatio) }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: cfg.otlpTracesUrl }),
        scheduledDelayMillis: cfg.traceExportDelayMs,
      }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    enabled: true,
    shutdown: () => provider.shutdown().catch(() => undefined),
  };
}

const subgraphTracer = trace.getTracer('@onestop/common');

/**
 * Runs a subgraph's handling of one request inside a server span that continues the caller's
 * trace (the gateway's `traceparent`). A no-op span when no tracer is registered.
 */
export function inServerSpan<T>(
  name: string,
  headers: Record<string, string | string[] | undefined>,
  attributes: Record<string, string>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(context.active(), headers);
  return subgraphTracer.startActiveSpan(name, { kind: SpanKind.SERVER, attributes }, parent, (span) =>
    withSpan(span, fn),
  );
}

/**
 * Runs `fn` with a started span and ends the span when `fn` settles, recording an error
 * (status ERROR) when it throws: the body of every asynchronous `startActiveSpan` callback.
 */
export async function withSpan<T>(span: Span, fn: (span: Span) => Promise<T>): Promise<T> {
  try {
    return await fn(span);
  } catch (err) {
    throw failSpan(span, err);
  } finally {
    span.end();
  }
}

/** Records `err` on the span (exception, status ERROR) and returns it, for `throw failSpan(span, err)`. */
export function failSpan(span: Span, err: unknown): unknown {
  span.recordException(err as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
  return err;
}
