import { StartupError } from '@onestop/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A real S3-compatible server (s3rver) run as its own process on loopback, for tests. */
export interface S3rverProcess {
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

/** Starts s3rver on a free loopback port with one bucket; resolves once it answers HTTP. */
export async function startS3rver(bucket = 'onestop-attachments'): Promise<S3rverProcess> {
  const dir = await mkdtemp(path.join(tmpdir(), 'onestop-s3rver-'));
  const bin = path.join(
    path.dirname(createRequire(import.meta.url).resolve('s3rver/package.json')),
    'bin',
    's3rver.js',
  );
  const child: ChildProcess = spawn(
    process.execPath,
    // Port 0: the OS picks a free one, and s3rver prints it ("S3rver listening on 127.0.0.1:PORT").
    [bin, '-d', dir, '-a', '127.0.0.1', '-p', '0', '--configure-bucket', bucket],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StartupError(`s3rver did not start within 60 s: ${output}`)), 60_000);
    const onData = (c: Buffer): void => {
      output += c.toString('utf8');
      const m = /listening on [^:\s]+:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new StartupError(`s3rver exited (${code}): ${output}`));
    });
  });
  // Its request log goes nowhere from here on.
  child.stdout!.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
