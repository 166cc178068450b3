import {
  DEV_CLIENT_ID,
  DEV_CLIENT_SECRET,
  DEV_TOKEN_GRANT,
  InvariantError,
  ROLES,
  type Logger,
  type OneStopClaims,
  type Role,
} from '@onestop/common';
import type { JWK } from 'jose';
import Provider, { errors, type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import type { AccountStore } from './accounts/accounts.js';
import { verifySecret } from './accounts/secrets.js';
import type { ApiClientStore } from './clients/api-clients.js';
import type { IdentityConfig } from './config.js';
import { SIGNING_ALG } from './keys/signing-keys.js';
import { errorPage, logoutPage, postLogoutPage } from './login/pages.js';
import { PgAdapter } from './store/pg-adapter.js';

/** The dashboard: a public client (no secret), authorization code with PKCE, refresh tokens. */
export const DASHBOARD_CLIENT_ID = 'onestop-dashboard';
/** The scope of OneStop's API in access tokens, and the claims an ID token or userinfo gives with it. */
const API_SCOPE = 'onestop';

export interface ProviderDeps {
  cfg: IdentityConfig;
  ds: DataSource;
  keys: JWK[];
  cookieKeys: string[];
  accounts: AccountStore;
  clients: ApiClientStore;
  logger: Logger;
}

/** What the dev grant asked for, kept on the request for `extraTokenClaims`. */
interface DevState {
  onestopDev?: OneStopClaims;
}

/**
 * Builds the oidc-provider instance: discovery, JWKS, authorization code + PKCE (required) for
 * the dashboard, refresh tokens, client credentials for partner agencies (looked up in
 * `identity.api_client` on every token request, so a revoked client is refused at once), RP-
 * initiated logout, JWT access tokens for OneStop's API (audience `onestop-api`, RS256), and,
 * outside production only, the development grant for `pnpm dev-token` and the tests.
 *
 * The keys are fixed for the life of an instance; a rotation builds a new instance (server.ts).
 */
export function buildProvider(deps: ProviderDeps): Provider {
  const { cfg } = deps;
  const production = cfg.common.mode === 'production';
  const dashboard: ClientMetadata = {
    client_id: DASHBOARD_CLIENT_ID,
    client_name: 'OneStop dashboard',
    token_endpoint_auth_method: 'none',
    application_type: 'web',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: cfg.dashboardOrigins.map((o) => `${o}/auth/callback`),
    post_logout_redirect_uris: cfg.dashboardOrigins.map((o) => `${o}/`),
  };
  const dev: ClientMetadata = {
    client_id: DEV_CLIENT_ID,
    client_secret: DEV_CLIENT_SECRET,
    client_name: 'OneStop development tokens',
    grant_types: [DEV_TOKEN_GRANT],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
  };
  const accessTokenTTL = (ctx: KoaContextWithOIDC): number => {
    if (ctx.oidc.params?.grant_type === 'client_credentials') return cfg.ttl.clientCredentialsSeconds;
    return cfg.ttl.accessTokenSeconds;
  };
  const resourceServer = (ttl: number) => ({
    scope: API_SCOPE,
    audience: cfg.apiAudience,
    accessTokenFormat: 'jwt' as const,
    accessTokenTTL: ttl,
    jwt: { sign: { alg: SIGNING_ALG } },
  });

  const configuration: Configuration = {
    adapter: (name: string) => (name === 'Client' ? new ApiClientAdapter(deps.clients) : new PgAdapter(deps.ds, name)),
    clients: production ? [dashboard] : [dashboard, dev],
    jwks: { keys: deps.keys as Configuration['jwks'] extends { keys: infer K } ? K : never },
    cookies: { keys: deps.cookieKeys },
    scopes: ['openid', 'offline_access', 'profile', API_SCOPE],
    claims: { openid: ['sub'], profile: ['name'], [API_SCOPE]: ['role', 'counterId'] },
    findAccount: async (_ctx, id) => {
      const account = await deps.accounts.byId(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          name: account.name,
          role: account.role,
          ...(account.counterId ? { counterId: account.counterId } : {}),
        }),
      };
    },
    extraTokenClaims: async (ctx, token) => {
      const dev = (ctx.state as DevState).onestopDev;
      if (dev) {
        const { sub: _sub, ...claims } = dev;
        return claims;
      }
      if ('accountId' in token && typeof token.accountId === 'string') {
        const account = await deps.accounts.byId(token.accountId);
        if (!account) return undefined;
        return {
          role: account.role,
          name: account.name,
          ...(account.counterId ? { counterId: account.counterId } : {}),
        };
      }
      const clientId = token.clientId;
      if (token.kind === 'ClientCredentials' && clientId) {
        const client = await deps.clients.active(clientId);
        if (!client) return undefined;
        return { role: 'AGENCY', name: client.name, agencyId: client.agencyId, employerIds: client.employerIds };
      }
      return undefined;
    },
    formats: {
      customizers: {
        // A development token is about the person it names, not about the dev client.
        jwt: async (ctx, _token, jwt) => {
          const dev = (ctx.state as DevState).onestopDev;
          if (dev) jwt.payload.sub = dev.sub;
        },
      },
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = logoutPage(ctx, form);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = postLogoutPage(ctx);
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => cfg.apiResource,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, resource) => {
          if (resource !== cfg.apiResource) throw new errors.InvalidTarget();
          return resourceServer(accessTokenTTL(ctx));
        },
      },
    },
    pkce: { required: () => true },
    clientBasedCORS: (_ctx, origin) => cfg.dashboardOrigins.includes(origin),
    ttl: {
      AccessToken: cfg.ttl.accessTokenSeconds,
      ClientCredentials: cfg.ttl.clientCredentialsSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      RefreshToken: cfg.ttl.refreshTokenSeconds,
      Session: cfg.ttl.sessionSeconds,
      Grant: cfg.ttl.sessionSeconds,
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // The dashboard is OneStop's own: its staff are not asked to consent to it.
    loadExistingGrant: async (ctx) => {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      if (client.clientId !== DASHBOARD_CLIENT_ID) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(`openid profile offline_access ${API_SCOPE}`);
      grant.addOIDCClaims(['role', 'counterId', 'name']);
      grant.addResourceScope(cfg.apiResource, API_SCOPE);
      await grant.save();
      return grant;
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(ctx, out);
    },
  };

  const provider = new Provider(cfg.issuer, configuration);
  provider.proxy = true;
  // Client secrets are stored as scrypt hashes (api_client.secret_hash), never in clear.
  const compare = provider.Client.prototype.compareClientSecret;
  provider.Client.prototype.compareClientSecret = async function compareHashed(
    this: { clientSecret?: string },
    actual: string,
  ) {
    const stored = this.clientSecret ?? '';
    return stored.startsWith('scrypt$') ? verifySecret(actual, stored) : compare.call(this, actual);
  };
  if (!production) registerDevGrant(provider);
  provider.on('server_error', (_ctx, err) => deps.logger.error({ err: err.message }, 'identity provider error'));
  return provider;

  function registerDevGrant(p: Provider): void {
    const params = ['role', 'sub', 'name', 'agency_id', 'employer_ids', 'counter_id', 'ttl'];
    p.registerGrantType(
      DEV_TOKEN_GRANT,
      async (ctx: KoaContextWithOIDC) => {
        const { client } = ctx.oidc;
        if (client?.clientId !== DEV_CLIENT_ID)
          throw new errors.UnauthorizedClient('only the development client may use this grant');
        const q = ctx.oidc.params as Record<string, string | undefined>;
        const role = (q.role ?? '').toUpperCase();
        if (!(ROLES as readonly string[]).includes(role)) {
          throw new errors.InvalidRequest(`role must be one of ${ROLES.join(', ')}`);
        }
        if (!q.sub) throw new errors.InvalidRequest('sub is required');
        const ttl = q.ttl === undefined ? 12 * 3600 : Number(q.ttl);
        if (!Number.isInteger(ttl) || ttl < 1 || ttl > 7 * 86_400)
          throw new errors.InvalidRequest('ttl must be 1..604800 seconds');
        const claims: OneStopClaims = { sub: q.sub, role: role as Role };
        if (q.name) claims.name = q.name;
        if (q.agency_id) claims.agencyId = q.agency_id;
        if (q.employer_ids !== undefined) claims.employerIds = q.employer_ids.split(/[\s,]+/).filter(Boolean);
        if (q.counter_id) claims.counterId = q.counter_id;
        (ctx.state as DevState).onestopDev = claims;
        const token = new p.ClientCredentials({ client, scope: API_SCOPE, expiresIn: ttl });
        token.resourceServer = {
          ...resourceServer(ttl),
          identifier: () => cfg.apiResource,
          scopes: new Set([API_SCOPE]),
        } as typeof token.resourceServer;
        const value = await token.save();
        ctx.body = { access_token: value, expires_in: ttl, token_type: 'Bearer', scope: API_SCOPE };
      },
      params,
    );
  }
}

/** Partner agencies' clients for oidc-provider: read on every request, so a revoked client is unknown at once. */
class ApiClientAdapter {
  constructor(private readonly clients: ApiClientStore) {}

  async find(id: string): Promise<ClientMetadata | undefined> {
    const c = await this.clients.active(id);
    if (!c) return undefined;
    return {
      client_id: c.clientId,
      client_secret: c.secretHash,
      client_name: c.name,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    };
  }

  async upsert(): Promise<void> {
    throw new InvariantError('API clients are registered through OneStop’s API, not dynamic registration.');
  }
  async findByUid(): Promise<undefined> {
    return undefined;
  }
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
  async consume(): Promise<void> {}
  async destroy(): Promise<void> {}
  async revokeByGrantId(): Promise<void> {}
}
