import type { EnvReader, RunMode } from '../config.js';
import { StartupError } from '../errors.js';

/** Where a process serves its metrics and sends its traces (docs/deploy.md: configuration; decision 0014). */
export interface ObservabilityConfig {
  /**
   * `/metrics` on a listener of its own (METRICS_PORT), or on the process's main port outside
   * production when unset (`main`); `off` in production when unset, so metrics never leak on
   * the public gateway port. The container images set METRICS_PORT=9464.
   */
  metrics: { port: number; host: string } | 'main' | 'off';
  /** OTLP/HTTP traces endpoint (…/v1/traces); unset: no tracer is registered and spans cost nothing. */
  otlpTracesUrl: string | undefined;
  /** Share of new traces sampled (a caller's sampled flag is always followed). */
  traceSampleRatio: number;
  /** Longest a finished span waits before export (ms). */
  traceExportDelayMs: number;
}

/** Reads METRICS_PORT, METRICS_HOST and the OTEL_* variables OneStop uses. */
export function loadObservabilityConfig(r: EnvReader, mode: RunMode): ObservabilityConfig {
  const rawPort = r.optional('METRICS_PORT');
  const metrics =
    rawPort === undefined
      ? mode === 'production'
        ? ('off' as const)
        : ('main' as const)
      : { port: r.port('METRICS_PORT', 9464), host: r.string('METRICS_HOST', r.string('HOST', '127.0.0.1')) };
  const base = r.optional('OTEL_EXPORTER_OTLP_ENDPOINT');
  const traces = r.optional('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const otlpTracesUrl = traces ?? (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (otlpTracesUrl) {
    try {
      new URL(otlpTracesUrl);
    } catch {
      throw new StartupError(
        `OTEL_EXPORTER_OTLP_ENDPOINT is not a valid URL: ${otlpTracesUrl}. Example: http://otel-collector:4318`,
      );
    }
  }
  const ratio = Number(r.optional('OTEL_TRACES_SAMPLER_ARG') ?? '1');
  if (!(ratio >= 0 && ratio <= 1)) {
    throw new StartupError(`OTEL_TRACES_SAMPLER_ARG=${r.optional('OTEL_TRACES_SAMPLER_ARG')} must be between 0 and 1.`);
  }
  return {
    metrics,
    otlpTracesUrl,
    traceSampleRatio: ratio,
    traceExportDelayMs: r.int('OTEL_BSP_SCHEDULE_DELAY', 5000, 0, 600_000),
  };
}
