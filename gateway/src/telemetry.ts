import { failSpan, withSpan } from '@onestop/common';
import {
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ProxyTracerProvider,
  SpanKind,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';

/**
 * The gateway's tracer. `@opentelemetry/api` alone makes every span a no-op; a deployment that
 * registers a tracer provider (and a propagator) before the gateway starts gets real spans
 * exported, with no change here (docs/gateway.md: tracing).
 */
export const tracer = trace.getTracer('@onestop/gateway');

/** Span names, stable for dashboards and alerts. */
export const SPANS = {
  request: 'onestop.gateway.request',
  plan: 'onestop.gateway.plan',
  subgraphFetch: 'onestop.gateway.subgraph_fetch',
  subscribe: 'onestop.gateway.subscribe',
  subscriptionEvent: 'onestop.gateway.subscription_event',
} as const;

/** The provider `@opentelemetry/api` delegates to while none is registered. */
const NO_PROVIDER = new ProxyTracerProvider().getDelegate();
/** The span handed to work while nothing is traced: records nothing, like the API's own no-op spans. */
const NO_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Whether a tracer provider is registered (`startTracing` with an endpoint, or a test's).
 * Without one every span is a no-op, so the hot path makes none (and no active context for it).
 */
export function tracingOn(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_PROVIDER;
}

/**
 * Runs `fn` inside an active span: the span ends when `fn` settles, and records the error
 * (status ERROR) when it throws. Without a registered provider, `fn` runs with a no-op span.
 */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  if (!tracingOn()) return fn(NO_SPAN);
  return tracer.startActiveSpan(name, { attributes, kind }, (span) => withSpan(span, fn));
}

/** The synchronous twin of {@link inSpan}. */
export function inSpanSync<T>(name: string, attributes: Attributes, fn: (span: Span) => T): T {
  if (!tracingOn()) return fn(NO_SPAN);
  return tracer.startActiveSpan(name, { attributes }, (span) => {
    try {
      return fn(span);
    } catch (err) {
      throw failSpan(span, err);
    } finally {
      span.end();
    }
  });
}

/** Adds the active trace context (e.g. `traceparent`) to outgoing headers; nothing without a registered propagator. */
export function injectTraceHeaders(headers: Record<string, string>): void {
  propagation.inject(context.active(), headers);
}

/** The context of an incoming request's trace headers, so gateway spans join the caller's trace. */
export function extractTraceContext(
  headers: Record<string, string | string[] | undefined>,
): ReturnType<typeof context.active> {
  return propagation.extract(context.active(), headers);
}

export { context as otelContext, SpanKind };
