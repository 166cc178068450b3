import { API_AUDIENCE_DEFAULT, EnvReader, loadCommonConfig, StartupError, type CommonConfig } from '@onestop/common';

/** The embedded identity provider's settings, validated at start-up (every variable is in .env.example). */
export interface IdentityConfig {
  common: CommonConfig;
  port: number;
  host: string;
  /** The issuer URL: where browsers and the gateway reach this provider. */
  issuer: string;
  /** The resource indicator of OneStop's API, and the audience its access tokens carry. */
  apiResource: string;
  apiAudience: string;
  /** The dashboard's origin(s): redirect and post-logout URIs, and CORS for its token requests. */
  dashboardOrigins: string[];
  ttl: {
    /** Staff access tokens (the dashboard renews them silently before they expire). */
    accessTokenSeconds: number;
    /** Partner agencies' client-credentials tokens: short, so a revoked client's tokens die soon. */
    clientCredentialsSeconds: number;
    refreshTokenSeconds: number;
    sessionSeconds: number;
  };
  /** The signing key is rotated when it is older than this (the previous one stays published). */
  keyRotationDays: number;
  /** Password of every seeded demo account (development and test only). */
  demoPassword: string;
}

/** Loads the provider's configuration. */
export function loadIdentityConfig(env: Readonly<Record<string, string | undefined>> = process.env): IdentityConfig {
  const r = new EnvReader(env);
  const common = loadCommonConfig(env);
  const port = r.port('IDENTITY_PORT', 4004);
  const issuer = r.url('IDENTITY_ISSUER', `http://127.0.0.1:${port}`).replace(/\/$/, '');
  const dashboardPort = r.port('DASHBOARD_PORT', 5173);
  const origins = (
    r.optional('IDENTITY_DASHBOARD_ORIGINS') ?? `http://127.0.0.1:${dashboardPort},http://localhost:${dashboardPort}`
  )
    .split(',')
    .map((s) => s.trim().replace(/\/$/, ''))
    .filter(Boolean);
  for (const o of origins) {
    try {
      new URL(o);
    } catch {
      throw new StartupError(
        `IDENTITY_DASHBOARD_ORIGINS: "${o}" is not an origin such as https://onestop.example.gov.cn.`,
      );
    }
  }
  const demoPassword = r.string('IDENTITY_DEMO_PASSWORD', 'onestop-demo');
  return {
    common,
    port,
    host: r.string('HOST', '127.0.0.1'),
    issuer,
    apiResource: r.string('IDENTITY_API_RESOURCE', 'urn:onestop:api'),
    apiAudience: r.string('OIDC_AUDIENCE', API_AUDIENCE_DEFAULT),
    dashboardOrigins: origins,
    ttl: {
      accessTokenSeconds: r.int('IDENTITY_ACCESS_TOKEN_TTL', 600, 60, 86_400),
      clientCredentialsSeconds: r.int('IDENTITY_CLIENT_TOKEN_TTL', 300, 30, 3_600),
      refreshTokenSeconds: r.int('IDENTITY_REFRESH_TOKEN_TTL', 8 * 3600, 300, 30 * 86_400),
      sessionSeconds: r.int('IDENTITY_SESSION_TTL', 10 * 3600, 300, 30 * 86_400),
    },
    keyRotationDays: r.int('IDENTITY_KEY_ROTATION_DAYS', 30, 1, 3650),
    demoPassword,
  };
}
