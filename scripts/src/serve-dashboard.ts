/**
 * The dashboard's server process (started by `pnpm start` and the testkit as service
 * `dashboard`): serves dashboard/dist and proxies /graphql (HTTP + WebSocket) to the gateway.
 * Variables: DASHBOARD_PORT (5173), HOST, GATEWAY_URL (default http://127.0.0.1:$GATEWAY_PORT),
 * DASHBOARD_DIST (default dashboard/dist), NODE_ENV, OIDC_ISSUER and OIDC_DASHBOARD_CLIENT_ID (where staff sign in).
 */
import path from 'node:path';
import {
  createLogger,
  EnvReader,
  loadCommonConfig,
  ProcessMetrics,
  runMain,
  startMetricsEndpoint,
} from '@onestop/common';
import { startDashboardServer } from './dashboard-server.js';
import { repoRoot } from './paths.js';

runMain(async () => {
  const r = new EnvReader();
  const common = loadCommonConfig({ DATABASE_URL: 'postgres://unused/unused', ...process.env });
  const gatewayPort = r.port('GATEWAY_PORT', 4000);
  const gatewayUrl = new URL(r.url('GATEWAY_URL', `http://127.0.0.1:${gatewayPort}/graphql`));
  const logger = createLogger('dashboard', common.logLevel);
  const registry = new ProcessMetrics('dashboard');
  const endpoint = await startMetricsEndpoint(registry, common.observability.metrics, logger);
  const running = await startDashboardServer({
    port: r.port('DASHBOARD_PORT', 5173),
    host: r.string('HOST', '127.0.0.1'),
    distDir: path.resolve(repoRoot, r.string('DASHBOARD_DIST', 'dashboard/dist')),
    gatewayOrigin: gatewayUrl.origin,
    mode: common.mode,
    identity: { authority: common.auth.issuer, clientId: r.string('OIDC_DASHBOARD_CLIENT_ID', 'onestop-dashboard') },
    logger,
    metrics: { registry, endpoint },
  });
  return { stop: () => running.close() };
});
