/**
 * A bare Node HTTP proxy, the floor of "one more Node process on the path": `node:http` in,
 * one undici `Pool` out (keep-alive), the request's bytes and headers forwarded unchanged, the
 * answer's body sent back with its status and content type. No GraphQL, no token check, no
 * signing, no logging: the load generator signs each request as it does for the direct path,
 * so the subgraph accepts what comes through.
 *
 * Started as its own process by reference-hops.ts (`node bench/dist/lib/bare-proxy.js PORT
 * TARGET_URL`); prints `listening PORT` once it accepts connections.
 */
import http from 'node:http';
import { Pool } from 'undici';

const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade']);

const [portArg, targetArg] = process.argv.slice(2);
if (!portArg || !targetArg) {
  process.stderr.write('usage: bare-proxy PORT TARGET_URL\n');
  process.exit(2);
}
const target = new URL(targetArg);
const pool = new Pool(target.origin, { connections: 256, keepAliveTimeout: 30_000 });

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(k) && typeof v === 'string') headers[k] = v;
    }
    pool
      .request({ method: (req.method ?? 'POST') as 'POST', path: req.url ?? '/', headers, body: Buffer.concat(chunks) })
      .then(async (answer) => {
        const body = Buffer.from(await answer.body.arrayBuffer());
        res.writeHead(answer.statusCode, {
          'content-type': String(answer.headers['content-type'] ?? 'application/json'),
          'content-length': body.length,
        });
        res.end(body);
      })
      .catch((err: Error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(err.message);
      });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(portArg), '127.0.0.1', () => process.stdout.write(`listening ${portArg}\n`));
process.on('SIGTERM', () => {
  server.close();
  void pool.close().finally(() => process.exit(0));
});
