import type { Role } from './auth/actor.js';
import { DEFAULT_CLAIM_MAPPING, parseRoleValues, type ClaimMapping } from './auth/claim-mapping.js';
import { StartupError } from './errors.js';
import { loadObservabilityConfig, type ObservabilityConfig } from './observability/observability-config.js';

/** The three run modes. Clock control and dev tokens exist only outside `production`. */
export type RunMode = 'production' | 'development' | 'test';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates environment variables. Every getter throws a StartupError with a
 * one-line message naming the variable and what is expected, so a misconfigured
 * deployment fails at start-up, not on the first request.
 */
export class EnvReader {
  constructor(private readonly env: Env = process.env) {}

  string(name: string, fallback?: string): string {
    const v = this.env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    throw new StartupError(`${name} is required: set it in the environment (see .env.example).`);
  }

  optional(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  int(name: string, fallback: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new StartupError(`${name}=${raw} is not a whole number between ${min} and ${max}.`);
    }
    return n;
  }

  port(name: string, fallback: number): number {
    return this.int(name, fallback, 0, 65535);
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new StartupError(`${name}=${raw} must be true or false.`);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new StartupError(`${name}=${raw} must be one of: ${allowed.join(', ')}.`);
    }
    return raw as T;
  }

  url(name: string, fallback?: string): string {
    const raw = this.optional(name) ?? fallback;
    if (raw === undefined) throw new StartupError(`${name} is required: a URL.`);
    try {
      new URL(raw);
    } catch {
      throw new StartupError(`${name} is not a valid URL: ${redactUrl(raw)}.`);
    }
    return raw;
  }
}

/** Hides the password of a connection URL so it can be printed in an error. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return raw.replace(/:[^:@/]*@/, ':***@');
  }
}

/** The settings every deployable shares. */
export interface CommonConfig {
  mode: RunMode;
  /** Unset: use the embedded PostgreSQL the launcher started (its URL is passed in ONESTOP_EMBEDDED_DATABASE_URL). */
  databaseUrl: string;
  logLevel: string;
  auth: AuthConfig;
  /** Metrics endpoint and trace export (METRICS_PORT, OTEL_EXPORTER_OTLP_ENDPOINT, …). */
  observability: ObservabilityConfig;
}

/** How bearer tokens are verified (at the gateway; subgraphs trust the gateway's signed forwarding). */
export interface AuthConfig {
  /** The OpenID Connect issuer whose access tokens OneStop accepts (`iss`). */
  issuer: string;
  /** Its JWKS; unset: the `jwks_uri` of the issuer's discovery document. */
  jwksUrl: string | undefined;
  /** The audience OneStop's API is (`aud`). */
  audience: string;
  /** Where the role and scope are in the token (docs/identity.md: claim mapping). */
  claims: ClaimMapping;
}

/** The embedded identity provider's address when `pnpm start` runs it (IDENTITY_PORT, default 4004). */
export const EMBEDDED_ISSUER_DEFAULT = 'http://127.0.0.1:4004';
/** The audience of OneStop's API in access tokens. */
export const API_AUDIENCE_DEFAULT = 'onestop-api';
const DEV_SUBGRAPH_SECRET = 'onestop-dev-subgraph-secret';

/** Subgraph names, as used in URLs, secrets and the supergraph. */
export const SUBGRAPHS = ['work-permit', 'residence-permit', 'counter-scheduling'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

/** Loads the shared settings. */
export function loadCommonConfig(env: Env = process.env): CommonConfig {
  const r = new EnvReader(env);
  const mode = r.oneOf<RunMode>('NODE_ENV', ['production', 'development', 'test'], 'development');
  const databaseUrl = r.optional('DATABASE_URL') ?? r.optional('ONESTOP_EMBEDDED_DATABASE_URL');
  if (!databaseUrl) {
    throw new StartupError(
      'No database: set DATABASE_URL, or start the system with `pnpm start`, which runs the embedded PostgreSQL.',
    );
  }
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new StartupError(
      `DATABASE_URL must be a postgres:// URL, got ${redactUrl(databaseUrl)}. Example: postgres://user:pass@localhost:5432/onestop`,
    );
  }
  return {
    mode,
    databaseUrl,
    logLevel: r.string('LOG_LEVEL', mode === 'test' ? 'warn' : 'info'),
    auth: loadAuthConfig(r),
    observability: loadObservabilityConfig(r, mode),
  };
}

/** The identity provider settings (`OIDC_*`), shared by every process so the gateway and subgraphs map claims alike. */
export function loadAuthConfig(r: EnvReader): AuthConfig {
  let roleValues: Record<string, Role>;
  try {
    roleValues = parseRoleValues(r.optional('OIDC_ROLE_VALUES'));
  } catch (err) {
    throw new StartupError(`OIDC_ROLE_VALUES: ${(err as Error).message}.`);
  }
  const jwksUrl = r.optional('OIDC_JWKS_URL');
  if (r.optional('NODE_ENV') === 'production' && !r.optional('OIDC_ISSUER')) {
    throw new StartupError(
      'NODE_ENV=production needs OIDC_ISSUER: the identity provider whose tokens OneStop accepts.',
    );
  }
  return {
    issuer: r.url('OIDC_ISSUER', EMBEDDED_ISSUER_DEFAULT).replace(/\/$/, ''),
    jwksUrl: jwksUrl ? r.url('OIDC_JWKS_URL') : undefined,
    audience: r.string('OIDC_AUDIENCE', API_AUDIENCE_DEFAULT),
    claims: {
      role: r.string('OIDC_CLAIM_ROLE', DEFAULT_CLAIM_MAPPING.role),
      roleValues,
      name: r.string('OIDC_CLAIM_NAME', DEFAULT_CLAIM_MAPPING.name),
      counterId: r.string('OIDC_CLAIM_COUNTER', DEFAULT_CLAIM_MAPPING.counterId),
      agencyId: r.string('OIDC_CLAIM_AGENCY', DEFAULT_CLAIM_MAPPING.agencyId),
      employerIds: r.string('OIDC_CLAIM_EMPLOYERS', DEFAULT_CLAIM_MAPPING.employerIds),
    },
  };
}

/** The HMAC secret the gateway signs requests to one subgraph with. */
export function subgraphSecret(name: SubgraphName, mode: RunMode, env: Env = process.env): string {
  const key = `SUBGRAPH_SECRET_${name.toUpperCase().replace(/-/g, '_')}`;
  const v = env[key];
  if (v) return v;
  if (mode === 'production') throw new StartupError(`${key} is required in production.`);
  return `${DEV_SUBGRAPH_SECRET}-${name}`;
}

/**
 * The HMAC secret with which work-permit signs its calls to the embedded identity provider's
 * API-client administration (`IDENTITY_ADMIN_SECRET`; required in production).
 */
export function identityAdminSecret(mode: RunMode, env: Env = process.env): string {
  const v = env.IDENTITY_ADMIN_SECRET;
  if (v) return v;
  if (mode === 'production') throw new StartupError('IDENTITY_ADMIN_SECRET is required in production.');
  return `${DEV_SUBGRAPH_SECRET}-identity-admin`;
}
