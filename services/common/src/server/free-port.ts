import { createServer } from 'node:net';

/** A port the OS says is free on 127.0.0.1 right now (for tests, benchmarks and the launcher's port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
