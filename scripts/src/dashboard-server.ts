import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  httpRequestMetrics,
  listen,
  sendJson,
  type Logger,
  type MetricsEndpoint,
  type ProcessMetrics,
  type RunMode,
} from '@onestop/common';

/** What the dashboard server needs to run. */
export interface DashboardServerOptions {
  port: number;
  host: string;
  /** `vite build` output (index.html + assets/). */
  distDir: string;
  /** The gateway's origin, e.g. http://127.0.0.1:4000 (its /graphql and /dev/clock are proxied). */
  gatewayOrigin: string;
  mode: RunMode;
  /** Where the dashboard signs staff in (served to the app as GET /auth/config). */
  identity: { authority: string; clientId: string };
  logger: Logger;
  /** Requests by route class on `/metrics` (decision 0014); none when unset (tests of the server alone). */
  metrics?: { registry: ProcessMetrics; endpoint: MetricsEndpoint };
}

/** A running dashboard server. */
export interface RunningDashboardServer {
  port: number;
  url: string;
  server: Server;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Paths forwarded to the gateway as they are, so the browser talks to one origin (no CORS). */
const PROXIED = new Set(['/graphql', '/dev/clock']);

/** Hop-by-hop headers (RFC 9110 §7.6.1) are never forwarded by a proxy. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

const COMPRESSIBLE = /^(text\/|application\/(json|javascript)|image\/svg)/;

/**
 * The dashboard's production server: serves the built single-page app (static files with
 * correct content types, long-lived caching for hashed assets, SPA fallback to index.html),
 * and reverse-proxies `/graphql` (HTTP and the WebSocket upgrade for subscriptions) and
 * `/dev/clock` to the gateway, and tells the app where staff sign in (`/auth/config`: the
 * OpenID Connect provider and the dashboard's client id).
 */
export async function startDashboardServer(opts: DashboardServerOptions): Promise<RunningDashboardServer> {
  const root = path.resolve(opts.distDir);
  const gateway = new URL(opts.gatewayOrigin);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const production = opts.mode === 'production';
  const indexHtml = await readFile(path.join(root, 'index.html')).catch(() => null);
  if (!indexHtml)
    opts.logger.warn({ distDir: root }, 'the dashboard is not built: run `pnpm build` (serving the API proxy only)');
  const gzipCache = new Map<string, Buffer>();
  const observe = opts.metrics ? httpRequestMetrics(opts.metrics.registry) : undefined;

  const sendStatic = async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return sendJson(res, 400, { error: 'bad path' });
    }
    const file = path.resolve(root, '.' + decoded);
    // Never serve anything outside dist (../ or encoded variants).
    if (file !== root && !file.startsWith(root + path.sep)) return sendJson(res, 404, { error: 'not found' });
    const info = await stat(file).catch(() => null);
    if (info?.isFile()) {
      const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      const hashed = decoded.startsWith('/assets/');
      const headers: Record<string, string> = {
        'content-type': type,
        'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
        vary: 'accept-encoding',
      };
      if (
        COMPRESSIBLE.test(type) &&
        /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) &&
        info.size > 1024
      ) {
        let body = gzipCache.get(file);
        if (!body) {
          body = gzipSync(await readFile(file));
          gzipCache.set(file, body);
        }
        res.writeHead(200, { ...headers, 'content-encoding': 'gzip', 'content-length': String(body.length) });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      res.writeHead(200, { ...headers, 'content-length': String(info.size) });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(file).pipe(res);
      return;
    }
    // A missing hashed asset or a file-like path is a real 404; everything else is a route of the app.
    if (decoded.startsWith('/assets/') || path.extname(decoded)) return sendJson(res, 404, { error: 'not found' });
    if (!indexHtml) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end(
        'The dashboard is not built: run `pnpm build` (or `pnpm --filter @onestop/dashboard build`).\n',
      );
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES['.html']!,
      'cache-control': 'no-cache',
      'content-length': String(indexHtml.length),
    });
    res.end(req.method === 'HEAD' ? undefined : indexHtml);
  };

  const proxy = (req: IncomingMessage, res: ServerResponse): void => {
    const headers = forwardHeaders(req);
    const upstream = httpRequest(
      {
        protocol: gateway.protocol,
        hostname: gateway.hostname,
        port: gateway.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      },
      (up) => {
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
        res.writeHead(up.statusCode ?? 502, out);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      opts.logger.warn({ err: err.message }, 'gateway unreachable');
      if (!res.headersSent) {
        sendJson(res, 502, {
          errors: [
            {
              message: 'The API gateway is not reachable; try again in a moment.',
              extensions: { code: 'BAD_GATEWAY' },
            },
          ],
        });
      } else res.destroy();
    });
    req.pipe(upstream);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health')
      return sendJson(res, 200, { status: 'ok', service: 'dashboard', built: indexHtml !== null });
    if (url.pathname === '/ready')
      return sendJson(res, 200, {
        status: 'ready',
        service: 'dashboard',
        built: indexHtml !== null,
        pid: process.pid,
      });
    if (opts.metrics?.endpoint.handle(req, res, url.pathname)) return;
    observe?.(
      url.pathname === '/graphql'
        ? 'graphql-proxy'
        : url.pathname === '/auth/config'
          ? 'auth-config'
          : PROXIED.has(url.pathname)
            ? 'dev-proxy'
            : 'static',
      res,
    );
    if (PROXIED.has(url.pathname)) {
      if (url.pathname === '/dev/clock' && production) return sendJson(res, 404, { error: 'not found' });
      return proxy(req, res);
    }
    if (url.pathname === '/auth/config') {
      return sendJson(res, 200, { ...opts.identity, scope: 'openid profile offline_access onestop' });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { error: 'Use GET.' }, { allow: 'GET, HEAD' });
    return sendStatic(req, res, url.pathname);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.logger.error({ err: (err as Error).message }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error.' });
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => proxyUpgrade(req, socket, head, gateway, opts.logger));
  const port = await listen(server, opts.port, opts.host, 'the dashboard', 'DASHBOARD_PORT');
  opts.logger.info({ port }, 'dashboard ready');
  return {
    port,
    url: `http://${opts.host}:${port}/`,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      agent.destroy();
      await opts.metrics?.endpoint.close();
    },
  };
}

/** The request's headers minus hop-by-hop ones, with X-Forwarded-* set. */
function forwardHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  out['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  out['x-forwarded-host'] = req.headers.host ?? '';
  out['x-forwarded-proto'] = 'http';
  return out;
}

/**
 * Proxies a WebSocket upgrade on /graphql to the gateway: the handshake goes through as an
 * HTTP request, and after the gateway's 101 the two sockets are piped both ways.
 */
function proxyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, gateway: URL, logger: Logger): void {
  const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (pathname !== '/graphql') {
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
    return;
  }
  socket.on('error', () => undefined);
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = v;
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  const upstream = httpRequest({
    protocol: gateway.protocol,
    hostname: gateway.hostname,
    port: gateway.port,
    method: req.method,
    path: req.url,
    headers,
  });
  upstream.on('upgrade', (up, upSocket, upHead) => {
    const lines = [`HTTP/1.1 ${up.statusCode ?? 101} ${up.statusMessage ?? 'Switching Protocols'}`];
    for (let i = 0; i < up.rawHeaders.length; i += 2) lines.push(`${up.rawHeaders[i]}: ${up.rawHeaders[i + 1]}`);
    socket.write(lines.join('\r\n') + '\r\n\r\n');
    if (upHead.length) socket.write(upHead);
    if (head.length) upSocket.write(head);
    upSocket.on('error', () => socket.destroy());
    socket.on('error', () => upSocket.destroy());
    upSocket.on('close', () => socket.destroy());
    socket.on('close', () => upSocket.destroy());
    upSocket.pipe(socket);
    socket.pipe(upSocket);
  });
  // The gateway refused the upgrade with an ordinary response: pass its status on and close.
  upstream.on('response', (up) => {
    socket.end(
      `HTTP/1.1 ${up.statusCode ?? 502} ${up.statusMessage ?? ''}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
    );
    up.resume();
  });
  upstream.on('error', (err) => {
    logger.warn({ err: err.message }, 'gateway unreachable for a WebSocket upgrade');
    socket.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  upstream.end();
}
