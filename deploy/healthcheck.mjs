// The images' HEALTHCHECK: exit 0 when GET http://127.0.0.1:<port>/<path> answers 2xx within 3 s.
// Usage: node deploy/healthcheck.mjs <PORT_VARIABLE> <default port> [path, default /health]
const [portVar, fallback, path = '/health'] = process.argv.slice(2);
const port = process.env[portVar] || fallback;
fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
