import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built logger, as a deployable runs it (`pnpm test` builds before the specs run).
const built = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'logger.js');

/** Logs more than a pipe holds, then exits at once (pino's buffer is flushed on exit). */
const LOG_AND_EXIT = `
  const log = createLogger('spec', 'info');
  for (let i = 0; i < 20000; i++) log.info({ i, pad: 'x'.repeat(200) }, 'line');
  process.exit(0);
`;

function child(script: string): ChildProcess {
  return spawn(
    process.execPath,
    ['--input-type=module', '-e', `const { createLogger } = await import(${JSON.stringify(built)});\n${script}`],
    { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
}

/** Whether the process exits within 20 s (killed otherwise). */
function exitsSoon(proc: ChildProcess): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve(false);
    }, 20_000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe('createLogger: a process can always exit', () => {
  it('when its supervisor stopped reading stdout (EAGAIN on the exit flush)', async () => {
    expect(existsSync(built)).toBe(true);
    const proc = child(`process.stdout.write('');\n${LOG_AND_EXIT}`);
    proc.stdout!.pause(); // never read
    proc.stderr!.resume();
    expect(await exitsSoon(proc)).toBe(true);
  });

  it('when its supervisor is gone (EPIPE on the exit flush)', async () => {
    const proc = child(`
      process.stdout.write('');
      process.on('disconnect', () => {
        ${LOG_AND_EXIT}
      });
      process.send('ready');
    `);
    proc.stderr!.resume();
    await new Promise((resolve) => proc.once('message', resolve));
    // What a dying supervisor does to its child: the read end of stdout and the channel close.
    proc.stdout!.destroy();
    proc.disconnect();
    expect(await exitsSoon(proc)).toBe(true);
  });
});
