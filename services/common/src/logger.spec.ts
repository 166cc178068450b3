import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built logger, as a deployable runs it (`pnpm test` builds before the specs run).
const built = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'logger.js');

describe('createLogger', () => {
  it('lets the process exit when nobody reads its stdout any more, instead of retrying the flush forever', async () => {
    expect(existsSync(built)).toBe(true);
    // A child whose supervisor stopped reading: it logs more than the pipe holds, then exits.
    const script = `
      process.stdout.write('');
      const { createLogger } = await import(${JSON.stringify(built)});
      const log = createLogger('spec', 'info');
      for (let i = 0; i < 20000; i++) log.info({ i, pad: 'x'.repeat(200) }, 'line');
      process.exit(0);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pause(); // never read
    child.stderr.resume();
    const exited = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 20_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!exited) child.kill('SIGKILL');
    expect(exited).toBe(true);
  });
});
