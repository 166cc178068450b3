import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createLogger,
  httpRequestMetrics,
  identityAdminSecret,
  listen,
  openDatabase,
  PgListener,
  ProcessMetrics,
  readBody,
  registerPoolMetrics,
  sendJson,
  startMetricsEndpoint,
  systemClock,
  type Logger,
} from '@onestop/common';
import type Provider from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { AccountStore } from './accounts/accounts.js';
import { ADMIN_PATH, handleApiClientAdmin } from './clients/api-client-admin.js';
import { ApiClientStore } from './clients/api-clients.js';
import type { IdentityConfig } from './config.js';
import { cookieKeys, ensureSigningKey, KEYS_CHANNEL, loadSigningKeys, rotateIfOlderThan } from './keys/signing-keys.js';
import { errorPage, languageOf, loginPage } from './login/pages.js';
import { identityMigrations } from './migrations/index.js';
import { buildProvider } from './provider.js';
import { sweepExpired } from './store/pg-adapter.js';

/** A running identity provider. */
export interface RunningIdentity {
  url: string;
  port: number;
  ds: DataSource;
  /** Rebuilds the provider from the keys in the database (after a rotation; also on the NOTIFY). */
  reloadKeys(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The embedded identity provider's process: migrates its schema, seeds the demo accounts and
 * agency clients outside production, makes the first signing key, and serves oidc-provider
 * behind a small router that adds the sign-in pages (`/interaction/:uid`), `/health` and
 * `/ready`. Every instance listens for key rotations and swaps in a provider built with the
 * new keys, without a restart and without losing sessions (they are in PostgreSQL).
 */
export async function startIdentity(
  cfg: IdentityConfig,
  logger: Logger = createLogger('identity', cfg.common.logLevel),
): Promise<RunningIdentity> {
  const production = cfg.common.mode === 'production';
  const ds = await openDatabase({
    url: cfg.common.databaseUrl,
    schema: 'identity',
    entities: [],
    migrations: identityMigrations,
    logger,
    applicationName: 'onestop-identity',
    poolSize: 5,
  });
  const adminSecret = identityAdminSecret(cfg.common.mode);
  // /metrics like every OneStop process (decision 0014): requests by route class, the pool.
  const metrics = new ProcessMetrics('identity');
  registerPoolMetrics(metrics, ds);
  const observe = httpRequestMetrics(metrics);
  const metricsEndpoint = await startMetricsEndpoint(metrics, cfg.common.observability.metrics, logger);
  const accounts = new AccountStore(ds);
  const clients = new ApiClientStore(ds);
  if (!production) {
    await accounts.seedDemo(cfg.demoPassword);
    // Demo data lives with the test tooling: loaded only outside production.
    const { seedDemoApiClients } = await import('./clients/api-clients.seed.js');
    await seedDemoApiClients(ds, systemClock.now());
  }
  await ensureSigningKey(ds);
  const cookies = await cookieKeys(ds);
  const build = async (): Promise<Provider> =>
    buildProvider({ cfg, ds, keys: await loadSigningKeys(ds), cookieKeys: cookies, accounts, clients, logger });
  let provider = await build();
  let callback = provider.callback();
  const reloadKeys = async (): Promise<void> => {
    provider = await build();
    callback = provider.callback();
    logger.info('signing keys reloaded');
  };
  const listener = new PgListener(cfg.common.databaseUrl, logger);
  await listener.listen(KEYS_CHANNEL, () => {
    reloadKeys().catch((err: unknown) => logger.error({ err: (err as Error).message }, 'reloading keys failed'));
  });
  // Hourly: expired provider rows go, and a signing key past its age is rotated (every instance reloads on the NOTIFY).
  const housekeeping = async (): Promise<void> => {
    await sweepExpired(ds);
    if (await rotateIfOlderThan(ds, cfg.keyRotationDays)) logger.info('signing key rotated (age)');
  };
  await housekeeping();
  const sweeper = setInterval(
    () =>
      void housekeeping().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'housekeeping failed')),
    3600_000,
  );
  sweeper.unref();

  const interaction = async (req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined) => {
    const p = provider;
    let details: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      details = await p.interactionDetails(req, res);
    } catch {
      // An expired or unknown sign-in: start again from the application.
      return sendHtml(res, 400, errorPage({ req }, { error: 'login_expired' }));
    }
    if (details.uid !== uid) return sendJson(res, 400, { error: 'interaction mismatch' });
    const lang = languageOf(req, details.params.ui_locales);
    const view = {
      lang,
      action: `/interaction/${uid}/login`,
      switchHref: `/interaction/${uid}?lang=${lang === 'en' ? 'zh' : 'en'}`,
      demoPassword: production ? undefined : cfg.demoPassword,
    };
    res.setHeader('set-cookie', `onestop_lang=${lang}; Path=/; SameSite=Lax; Max-Age=31536000`);
    if (details.prompt.name === 'consent') {
      // Only OneStop's own dashboard signs staff in; its grant is made without asking (provider.ts).
      const grant = new p.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope ?? 'openid'));
      grant.addResourceScope(cfg.apiResource, 'onestop');
      const grantId = await grant.save();
      return p.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    if (req.method === 'GET' && !action) return sendHtml(res, 200, loginPage(view));
    if (req.method !== 'POST' || action !== 'login') return sendJson(res, 405, { error: 'Use the sign-in form.' });
    const form = new URLSearchParams(await readBody(req, 10_000));
    const username = (form.get('username') ?? '').trim();
    const password = form.get('password') ?? '';
    const formLang = form.get('lang') === 'zh' ? 'zh' : form.get('lang') === 'en' ? 'en' : lang;
    const again = {
      ...view,
      lang: formLang,
      username,
      switchHref: `/interaction/${uid}?lang=${formLang === 'en' ? 'zh' : 'en'}`,
    } as const;
    if (!username || !password) return sendHtml(res, 400, loginPage({ ...again, error: 'missing' }));
    const account = await accounts.authenticate(username, password);
    if (!account) {
      logger.info({ username }, 'sign-in refused');
      return sendHtml(res, 401, loginPage({ ...again, error: 'wrong' }));
    }
    logger.info({ accountId: account.id, role: account.role }, 'signed in');
    await p.interactionFinished(req, res, { login: { accountId: account.id } }, { mergeWithLastSubmission: false });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok', service: 'identity' });
    if (metricsEndpoint.handle(req, res, url.pathname)) return;
    observe(routeOf(url.pathname), res);
    if (url.pathname === '/ready') {
      const ok = await ds.query('SELECT 1').then(
        () => true,
        () => false,
      );
      return sendJson(res, ok ? 200 : 503, {
        status: ok ? 'ready' : 'unavailable',
        service: 'identity',
        pid: process.pid,
      });
    }
    if (url.pathname === ADMIN_PATH || url.pathname.startsWith(`${ADMIN_PATH}/`)) {
      return handleApiClientAdmin(req, res, url.pathname, clients, adminSecret);
    }
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login))?$/.exec(url.pathname);
    if (m) return interaction(req, res, m[1]!, m[2]);
    return callback(req, res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err: (err as Error).message }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error.' });
      else res.end();
    });
  });
  const port = await listen(server, cfg.port, cfg.host, 'the identity provider', 'IDENTITY_PORT');
  logger.info({ port, issuer: cfg.issuer }, 'identity provider ready');
  return {
    url: cfg.issuer,
    port,
    ds,
    reloadKeys,
    async stop() {
      clearInterval(sweeper);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await listener.close();
      await metricsEndpoint.close();
      await ds.destroy();
    },
  };
}

/** The route class of a request, for the metrics' bounded `route` label. */
function routeOf(pathname: string): string {
  if (pathname === '/ready') return 'ready';
  if (pathname === ADMIN_PATH || pathname.startsWith(`${ADMIN_PATH}/`)) return 'admin';
  if (pathname.startsWith('/interaction/')) return 'login';
  if (pathname === '/.well-known/openid-configuration') return 'discovery';
  const known: Record<string, string> = {
    '/token': 'token',
    '/jwks': 'jwks',
    '/auth': 'authorize',
    '/me': 'userinfo',
    '/session/end': 'sign-out',
    '/token/revocation': 'revocation',
    '/token/introspection': 'introspection',
  };
  return known[pathname] ?? (pathname.startsWith('/session/end') ? 'sign-out' : 'other');
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(html);
}
