import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen } from '../server/http-utils.js';
import type { Logger } from '../logger.js';
import type { ProcessMetrics } from './metrics.js';
import type { ObservabilityConfig } from './observability-config.js';

/** Where `/metrics` is answered for one process (decision 0014). */
export interface MetricsEndpoint {
  /** On the process's main server: answers `/metrics` when it is served there; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): boolean;
  /** The separate listener's port, when there is one. */
  port: number | undefined;
  close(): Promise<void>;
}

/**
 * Serves the process's metrics: on a listener of its own when METRICS_PORT is set (the
 * containers: 9464, never routed by an ingress), on the main port outside production when it
 * is not, and nowhere in production without METRICS_PORT, so the public gateway port never
 * shows them.
 */
export async function startMetricsEndpoint(
  metrics: ProcessMetrics,
  cfg: ObservabilityConfig['metrics'],
  logger: Logger,
): Promise<MetricsEndpoint> {
  const answer = (res: ServerResponse): void => {
    metrics.render().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
        res.end(text);
      },
      (err: unknown) => {
        logger.warn({ err: (err as Error).message }, 'metrics could not be collected');
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('metrics could not be collected\n');
      },
    );
  };
  if (cfg === 'off' || cfg === 'main') {
    return {
      handle: (_req, res, pathname) => {
        if (cfg !== 'main' || pathname !== '/metrics') return false;
        answer(res);
        return true;
      },
      port: undefined,
      close: async () => undefined,
    };
  }
  const server: Server = createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) return answer(res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found: metrics are on /metrics\n');
  });
  const port = await listen(server, cfg.port, cfg.host, `the metrics endpoint of ${metrics.service}`, 'METRICS_PORT');
  return {
    handle: () => false,
    port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
