import { createHmac } from 'node:crypto';
import path from 'node:path';
import { EnvReader, StartupError, subgraphSecret, type RunMode } from '@onestop/common';
import { DEFAULT_RENEWAL_WINDOW, type RenewalWindow } from './case/case-filing.rules.js';

/** work-permit's own settings (the shared ones come from loadCommonConfig). */
export interface WorkPermitConfig {
  /** DOMAIN.md (cfg): a renewal is filed 30–90 days before the current permits expire. */
  renewalWindow: RenewalWindow;
  attachments: AttachmentsConfig;
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
    filesPort: r.port('WORK_PERMIT_FILES_PORT', mode === 'test' || env.WORK_PERMIT_PORT === '0' ? 0 : 4004),
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
  const mode = r.oneOf<RunMode>('NODE_ENV', ['production', 'development', 'test'], 'development');
  return {
    renewalWindow: { minDaysBeforeExpiry, maxDaysBeforeExpiry },
    attachments: loadAttachmentsConfig(env, mode),
  };
}
