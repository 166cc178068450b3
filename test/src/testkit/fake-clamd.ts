import { createServer, type Server } from 'node:net';

/** The EICAR test string's start: what the fake daemon reports as infected. */
export const EICAR_MARKER = 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE';

/**
 * A small clamd stand-in for tests that speaks the real INSTREAM protocol (command, length-
 * prefixed chunks, zero-length end), reports `Eicar-Signature FOUND` for bytes holding the
 * EICAR marker, and records what it received, so a test can check the client's framing.
 */
export async function startFakeClamd(port = 0): Promise<{ port: number; streams: Buffer[]; close(): Promise<void> }> {
  const streams: Buffer[] = [];
  const server: Server = createServer((socket) => {
    let buf = Buffer.alloc(0);
    let commandRead = false;
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (!commandRead) {
        const nul = buf.indexOf(0);
        if (nul < 0) return;
        const command = buf.subarray(0, nul).toString('utf8');
        buf = buf.subarray(nul + 1);
        commandRead = true;
        if (command !== 'zINSTREAM') {
          socket.end('UNKNOWN COMMAND\0');
          return;
        }
      }
      for (;;) {
        if (buf.length < 4) return;
        const len = buf.readUInt32BE(0);
        if (len === 0) {
          const stream = Buffer.concat(chunks);
          streams.push(stream);
          socket.end(stream.includes(EICAR_MARKER) ? 'stream: Eicar-Signature FOUND\0' : 'stream: OK\0');
          return;
        }
        if (buf.length < 4 + len) return;
        chunks.push(buf.subarray(4, 4 + len));
        buf = buf.subarray(4 + len);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    streams,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
