import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../server/free-port.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

const asRoot = process.getuid?.() === 0;

const modeOf = async (dir: string): Promise<number> => (await stat(dir)).mode & 0o7777;

/**
 * The embedded PostgreSQL never changes a directory it did not create (as root it used to
 * chmod the data directory's parent to 0755: with ONESTOP_DATA_DIR=/tmp/x that was /tmp, for the
 * whole machine), and when it cannot start it says why, not always "is the port in use?".
 * Everything happens in a throwaway directory; the real /tmp is never touched.
 */
describe('startEmbeddedPostgres', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'onestop-embedded-'));
    await chmod(base, 0o755); // ours: the postgres user may enter it
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  // As root PostgreSQL runs as the user postgres, which is what made the old code chmod.
  it.runIf(asRoot)(
    'leaves a sticky, world-writable parent (like /tmp, mode 1777) as it found it',
    async () => {
      const shared = path.join(base, 'shared-tmp');
      await mkdir(shared);
      await chmod(shared, 0o1777);
      const db = await startEmbeddedPostgres({ dataDir: path.join(shared, 'x'), port: await freePort() });
      try {
        expect((await modeOf(shared)).toString(8)).toBe('1777');
      } finally {
        await db.stop();
      }
      expect((await modeOf(shared)).toString(8)).toBe('1777');
    },
    120_000,
  );

  it.runIf(asRoot)(
    'refuses a parent the postgres user cannot enter, saying so, and leaves its mode alone',
    async () => {
      const closed = path.join(base, 'closed');
      await mkdir(closed);
      await chmod(closed, 0o700);
      const started = startEmbeddedPostgres({ dataDir: path.join(closed, 'pg'), port: await freePort() });
      await expect(started).rejects.toThrow(/postgres.*cannot enter .*closed.*0700/);
      await started.catch(() => undefined);
      expect((await modeOf(closed)).toString(8)).toBe('700');
    },
    120_000,
  );

  it('opens up only the directories it creates itself', async () => {
    const dataDir = path.join(base, 'made', 'by', 'onestop', 'pg');
    const port = await freePort();
    const db = await startEmbeddedPostgres({ dataDir, port });
    await db.stop();
    for (const dir of ['made', 'made/by', 'made/by/onestop']) {
      expect((await modeOf(path.join(base, dir))).toString(8)).toBe('755');
    }
  }, 120_000);

  describe('when PostgreSQL cannot start', () => {
    let dataDir: string;
    beforeAll(async () => {
      dataDir = path.join(base, 'cluster');
      const db = await startEmbeddedPostgres({ dataDir, port: await freePort() });
      await db.stop();
    }, 120_000);

    it('a port in use: says the port, and what to set', async () => {
      const blocker: Server = createServer();
      const port = await new Promise<number>((resolve) =>
        blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
      );
      try {
        await expect(startEmbeddedPostgres({ dataDir, port })).rejects.toThrow(
          new RegExp(`port ${port} is in use.*ONESTOP_DB_PORT`),
        );
      } finally {
        blocker.close();
      }
    }, 120_000);

    it('any other cause: quotes PostgreSQL, and does not blame the port', async () => {
      const conf = path.join(dataDir, 'postgresql.auto.conf');
      await writeFile(conf, 'this is not a setting\n');
      try {
        const started = startEmbeddedPostgres({ dataDir, port: await freePort() });
        await expect(started).rejects.toThrow(/postgresql\.auto\.conf" contains errors/);
        await expect(started).rejects.not.toThrow(/port .*in use/);
      } finally {
        await writeFile(conf, '');
      }
    }, 120_000);
  });
});
