import { createHmac } from 'node:crypto';
import path from 'node:path';
import {
  EnvReader,
  identityAdminSecret,
  loadCommonConfig,
  StartupError,
  subgraphSecret,
  type RunMode,
} from '@onestop/common';
import type { IdentityAdmin } from './modules/agency-client/agency-client.service.js';
import { DEFAULT_RENEWAL_WINDOW, type RenewalWindow } from './modules/case/case-filing.rules.js';

/** work-permit's own settings (the shared ones come from loadCommonConfig). */
export interface WorkPermitConfig {
  /** DOMAIN.md (cfg): a renewal is filed 30–90 days before the current permits expire. */
  renewalWindow: RenewalWindow;
  webhooks: WebhookConfig;
  attachments: AttachmentsConfig;
  /** The embedded identity provider's API-client administration (agency clients). */
  identityAdmin: IdentityAdmin;
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

/** Where attachment bytes are kept (docs/attachments.md: storage configuration). */
export type AttachmentStorageConfig =
  | { kind: 'filesystem'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      endpoint: string | undefined;
      region: string;
      accessKeyId: string | undefined;
      secretAccessKey: string | undefined;
      forcePathStyle: boolean;
      prefix: string | undefined;
    };

/** The online materials: limits, signed URLs, the file endpoint, scanning and retention (issue 18). */
export interface AttachmentsConfig {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  storage: AttachmentStorageConfig;
  /** Port of the file endpoint (uploads and downloads by signed URL); its own origin, never the dashboard's. */
  filesPort: number;
  filesHost: string;
  /** The file endpoint's public base URL as clients reach it; unset: http://<host>:<port>. */
  publicUrl: string | undefined;
  /** HMAC key of the signed URLs (derived from the subgraph's secret unless set). */
  urlSecret: string;
  uploadUrlTtlSeconds: number;
  downloadUrlTtlSeconds: number;
  /** Who may frame a served file (CSP frame-ancestors): the dashboard's origins (production default: only itself). */
  frameAncestors: string;
  /** ClamAV daemon (host:port) that scans every upload; unset: no scan. */
  clamav: { host: string; port: number; timeoutMs: number } | undefined;
  /** Days after a case is withdrawn or refused before its files are deleted (business clock). */
  retentionDays: number;
  /** Pause between retention sweeps. */
  retentionSweepMs: number;
}

/** Reads the attachment settings. */
export function loadAttachmentsConfig(
  env: Readonly<Record<string, string | undefined>>,
  mode: RunMode,
): AttachmentsConfig {
  const r = new EnvReader(env);
  const dataDir = r.optional('ONESTOP_DATA_DIR');
  const storageKind = r.oneOf('ATTACHMENTS_STORAGE', ['filesystem', 's3'] as const, 'filesystem');
  const storage: AttachmentStorageConfig =
    storageKind === 'filesystem'
      ? {
          kind: 'filesystem',
          dir: path.resolve(
            r.string(
              'ATTACHMENTS_DIR',
              dataDir ? path.join(path.dirname(path.resolve(dataDir)), 'attachments') : '.data/attachments',
            ),
          ),
        }
      : {
          kind: 's3',
          bucket: r.string('ATTACHMENTS_S3_BUCKET'),
          endpoint: r.optional('ATTACHMENTS_S3_ENDPOINT') ? r.url('ATTACHMENTS_S3_ENDPOINT') : undefined,
          region: r.string('ATTACHMENTS_S3_REGION', 'us-east-1'),
          accessKeyId: r.optional('ATTACHMENTS_S3_ACCESS_KEY_ID'),
          secretAccessKey: r.optional('ATTACHMENTS_S3_SECRET_ACCESS_KEY'),
          forcePathStyle: r.bool('ATTACHMENTS_S3_FORCE_PATH_STYLE', true),
          prefix: r.optional('ATTACHMENTS_S3_PREFIX'),
        };
  const clamav = r.optional('ATTACHMENTS_CLAMAV');
  let clam: AttachmentsConfig['clamav'];
  if (clamav) {
    const m = /^([^:\s]+):(\d{1,5})$/.exec(clamav);
    if (!m || Number(m[2]) > 65535)
      throw new StartupError(`ATTACHMENTS_CLAMAV=${clamav} must be host:port of a clamd TCP socket.`);
    clam = { host: m[1]!, port: Number(m[2]), timeoutMs: r.int('ATTACHMENTS_CLAMAV_TIMEOUT_MS', 30_000, 100, 600_000) };
  }
  const publicUrl = r.optional('ATTACHMENTS_PUBLIC_URL')
    ? r.url('ATTACHMENTS_PUBLIC_URL').replace(/\/+$/, '')
    : undefined;
  const ownSecret = r.optional('ATTACHMENTS_URL_SECRET');
  if (ownSecret !== undefined && ownSecret.length < 32)
    throw new StartupError('ATTACHMENTS_URL_SECRET must be at least 32 characters.');
  const frameAncestors = r.optional('ATTACHMENTS_FRAME_ANCESTORS');
  if (frameAncestors && /[;,\n]/.test(frameAncestors))
    throw new StartupError('ATTACHMENTS_FRAME_ANCESTORS is a space-separated list of origins (no ; or ,).');
  return {
    maxBytes: r.int('ATTACHMENTS_MAX_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    storage,
    // A work-permit on any free port (tests) takes any free port for its file endpoint too.
    filesPort: r.port('WORK_PERMIT_FILES_PORT', mode === 'test' || env.WORK_PERMIT_PORT === '0' ? 0 : 4005),
    filesHost: r.string('HOST', '127.0.0.1'),
    publicUrl,
    urlSecret:
      ownSecret ??
      createHmac('sha256', subgraphSecret('work-permit', mode, env))
        .update('onestop-attachment-urls')
        .digest('hex'),
    uploadUrlTtlSeconds: r.int('ATTACHMENTS_UPLOAD_URL_TTL_SECONDS', 900, 10, 86_400),
    downloadUrlTtlSeconds: r.int('ATTACHMENTS_DOWNLOAD_URL_TTL_SECONDS', 300, 10, 86_400),
    // Production frames nothing but the file's own origin until the dashboard's origin is named,
    // so a missing setting fails safe (files still open in a tab); development allows the loopback dashboards.
    frameAncestors:
      frameAncestors ?? (mode === 'production' ? "'self'" : "'self' http://127.0.0.1:* http://localhost:*"),
    clamav: clam,
    retentionDays: r.int('ATTACHMENTS_RETENTION_DAYS', 180, 0, 36_500),
    retentionSweepMs: r.int('ATTACHMENTS_RETENTION_SWEEP_MS', 60_000, 100, 86_400_000),
  };
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
  const { mode, auth } = loadCommonConfig({ DATABASE_URL: 'postgres://unused/unused', ...env });
  const adminUrl = r.url('IDENTITY_ADMIN_URL', `http://127.0.0.1:${r.port('IDENTITY_PORT', 4004)}`);
  return {
    renewalWindow: { minDaysBeforeExpiry, maxDaysBeforeExpiry },
    identityAdmin: {
      url: adminUrl,
      secret: identityAdminSecret(mode, env),
      tokenEndpoint: r.url('OIDC_TOKEN_ENDPOINT', `${auth.issuer}/token`),
    },
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
    attachments: loadAttachmentsConfig(env, mode),
  };
}
