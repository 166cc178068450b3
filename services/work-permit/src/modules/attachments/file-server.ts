import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen, sendJson, type Logger } from '@onestop/common';
import type { AttachmentService, FileResponse } from './attachment.service.js';
import { contentDisposition } from './attachment.rules.js';

/** A running file endpoint. */
export interface RunningFileServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * The attachment file endpoint (docs/decisions/0012): its own port, so its own origin, never
 * the dashboard's. It has no GraphQL and no tokens: every request carries a capability that
 * work-permit signed after `assertCan` through the gateway.
 *
 * - `PUT /files/uploads/<token>`: the bytes of one requested upload (single-use).
 * - `GET /files/v/<token>`: one version's bytes, logged in the access log.
 *
 * Served files can never run script in anyone's origin: the exact sniffed type, `nosniff`, a
 * CSP that allows nothing but the file itself and sandboxes the document, and framing only by
 * the dashboard's origins.
 */
export async function startFileServer(opts: {
  port: number;
  host: string;
  frameAncestors: string;
  service: () => AttachmentService;
  logger: Logger;
}): Promise<RunningFileServer> {
  const { logger } = opts;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'no-referrer');
    if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok', service: 'work-permit-files' });
    const upload = /^\/files\/uploads\/([A-Za-z0-9_.-]{10,2000})$/.exec(url.pathname);
    if (upload) {
      // Any origin may send the bytes: the URL is the only credential (no cookies are involved).
      res.setHeader('access-control-allow-origin', '*');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-methods': 'PUT',
          'access-control-allow-headers': 'content-type',
          'access-control-max-age': '600',
        });
        return void res.end();
      }
      if (req.method !== 'PUT')
        return sendJson(
          res,
          405,
          { error: { code: 'METHOD_NOT_ALLOWED', message: 'Send the bytes with PUT.' } },
          { allow: 'PUT' },
        );
      const result = await opts.service().receive(upload[1]!, (limit) => readLimited(req, limit));
      return send(res, result, opts.frameAncestors);
    }
    const download = /^\/files\/v\/([A-Za-z0-9_.-]{10,4000})$/.exec(url.pathname);
    if (download) {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return sendJson(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'Use GET.' } }, { allow: 'GET' });
      const result = await opts.service().serve(download[1]!);
      return send(res, result, opts.frameAncestors, req.method === 'HEAD');
    }
    return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'Not found.' } });
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err: (err as Error).message }, 'file request failed');
      if (!res.headersSent)
        sendJson(res, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal error.' } });
      else res.end();
    });
  });
  const port = await listen(server, opts.port, opts.host, 'the work-permit file endpoint', 'WORK_PERMIT_FILES_PORT');
  return {
    port,
    url: `http://${opts.host}:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function send(res: ServerResponse, r: FileResponse, frameAncestors: string, headOnly = false): void {
  if (!('bytes' in r)) return sendJson(res, r.status, r.json);
  const v = r.version;
  res.writeHead(200, {
    'content-type': v.contentType,
    'content-length': r.bytes.length,
    'content-disposition': contentDisposition(r.disposition, v.fileName),
    // Nothing may load or run: the file is shown by the browser's own image or PDF viewer, and
    // `frame-ancestors` lets only the dashboard frame it. An image also gets `sandbox` (an opaque
    // origin, no script). A PDF does not: Firefox's built-in viewer does not run in a sandboxed
    // document and Chromium's loses its toolbar; a PDF is never parsed as HTML (exact type and
    // nosniff), script in it is not run by the browsers' viewers, and its origin is not the dashboard's.
    'content-security-policy':
      v.contentType === 'application/pdf'
        ? `default-src 'none'; object-src 'self'; plugin-types application/pdf; frame-ancestors ${frameAncestors}`
        : `default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors ${frameAncestors}`,
    'cross-origin-resource-policy': 'cross-origin',
    etag: `"${v.sha256}"`,
  });
  res.end(headOnly ? undefined : r.bytes);
}

/** Reads the body up to `limit` bytes; more than that (declared or sent) is 'too-large', and the rest is not buffered. */
function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      return resolve('too-large');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
