import { EnvReader, StartupError } from '@onestop/common';
import { DEFAULT_RENEWAL_WINDOW, type RenewalWindow } from './case/case-filing.rules.js';

/** work-permit's own settings (the shared ones come from loadCommonConfig). */
export interface WorkPermitConfig {
  /** DOMAIN.md (cfg): a renewal is filed 30–90 days before the current permits expire. */
  renewalWindow: RenewalWindow;
  webhooks: WebhookConfig;
}

/** Partner webhooks (issue 15, decision 0011). */
export interface WebhookConfig {
  /**
   * Wall-clock waits before the 2nd, 3rd, … attempt of a delivery (ms). The first attempt is
   * immediate; after the last wait fails the delivery is FAILED and, unless the endpoint
   * succeeded meanwhile, the endpoint is disabled.
   */
  retryScheduleMs: number[];
  /** Per-attempt limit, connect to answer (ms). */
  timeoutMs: number;
  /** Deliveries in flight per process. */
  concurrency: number;
  /** Fallback poll for due retries (ms); new deliveries wake the dispatcher at once (NOTIFY). */
  pollIntervalMs: number;
  /** Only https endpoints (default: in production). */
  requireHttps: boolean;
  /** Host names allowed to resolve to loopback/private addresses (default: loopback names outside production; none in production). */
  allowedHosts: Set<string>;
  /** How long the previous secret still signs after a rotation (ms). */
  secretGraceMs: number;
  /** Run the delivery dispatcher in this process (several instances may: they share the work). */
  dispatch: boolean;
}

/** Standard Webhooks' recommended schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (27 h 35 min in all). */
export const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';
const DAY_MS = 24 * 3600_000;

/** Parses "5s,5m,2h,500ms" into milliseconds; throws StartupError naming the variable. */
export function parseDurations(name: string, raw: string): number[] {
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000, d: DAY_MS };
  const out = raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => {
      const m = /^(\d+)(ms|s|m|h|d)$/.exec(x);
      if (!m) throw new StartupError(`${name}: "${x}" is not a duration such as 500ms, 5s, 5m, 2h or 1d.`);
      return Number(m[1]) * unit[m[2]!]!;
    });
  if (!out.length) throw new StartupError(`${name} must list at least one wait, e.g. ${DEFAULT_RETRY_SCHEDULE}.`);
  return out;
}

/** Reads and validates work-permit's settings; a bad value stops the start-up with one line. */
export function loadWorkPermitConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): WorkPermitConfig {
  const r = new EnvReader(env);
  const minDaysBeforeExpiry = r.int(
    'RENEWAL_MIN_DAYS_BEFORE_EXPIRY',
    DEFAULT_RENEWAL_WINDOW.minDaysBeforeExpiry,
    1,
    365,
  );
  const maxDaysBeforeExpiry = r.int(
    'RENEWAL_MAX_DAYS_BEFORE_EXPIRY',
    DEFAULT_RENEWAL_WINDOW.maxDaysBeforeExpiry,
    1,
    730,
  );
  if (maxDaysBeforeExpiry < minDaysBeforeExpiry) {
    throw new StartupError(
      `RENEWAL_MAX_DAYS_BEFORE_EXPIRY (${maxDaysBeforeExpiry}) must not be less than RENEWAL_MIN_DAYS_BEFORE_EXPIRY (${minDaysBeforeExpiry}).`,
    );
  }
  const production = r.optional('NODE_ENV') === 'production';
  const retryScheduleMs = parseDurations(
    'WEBHOOK_RETRY_SCHEDULE',
    r.string('WEBHOOK_RETRY_SCHEDULE', DEFAULT_RETRY_SCHEDULE),
  );
  const windowMs = retryScheduleMs.reduce((a, b) => a + b, 0);
  if (production && windowMs < DAY_MS) {
    throw new StartupError(
      `WEBHOOK_RETRY_SCHEDULE adds up to ${Math.round(windowMs / 60_000)} minutes; in production deliveries are retried for at least 24 hours.`,
    );
  }
  const allowedHosts = new Set(
    r
      .string('WEBHOOK_ALLOWED_HOSTS', production ? ' ' : 'localhost,127.0.0.1,::1')
      .split(',')
      .map((h) =>
        h
          .trim()
          .toLowerCase()
          .replace(/^\[|\]$/g, ''),
      )
      .filter((h) => h && h !== 'none'),
  );
  return {
    renewalWindow: { minDaysBeforeExpiry, maxDaysBeforeExpiry },
    webhooks: {
      retryScheduleMs,
      timeoutMs: r.int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
      concurrency: r.int('WEBHOOK_CONCURRENCY', 32, 1, 1000),
      pollIntervalMs: r.int('WEBHOOK_POLL_INTERVAL_MS', 1000, 10, 60_000),
      requireHttps: r.bool('WEBHOOK_REQUIRE_HTTPS', production),
      allowedHosts,
      secretGraceMs: r.int('WEBHOOK_SECRET_GRACE_MS', DAY_MS, 0, 30 * DAY_MS),
      dispatch: r.bool('WEBHOOK_DISPATCH', true),
    },
  };
}
