/**
 * `pnpm start`: the whole system on one machine. Starts the embedded PostgreSQL (or uses
 * DATABASE_URL), the identity provider (unless OIDC_ISSUER names another), the subgraphs, the gateway and the dashboard server, prints every URL and a ready line, and stops
 * everything cleanly on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { EnvReader, StartupError } from '@onestop/common';
import { repoRoot } from './paths.js';
import { DEFAULT_PORTS, startStack, type Stack } from './stack.js';

async function main(): Promise<void> {
  const r = new EnvReader();
  const verbose = r.bool('ONESTOP_VERBOSE', false);
  // Ctrl-C is ours from the first moment: during start-up it stops what has started as soon as
  // start-up returns (a second Ctrl-C leaves at once; every process then stops itself when it
  // notices the launcher is gone). Installed before anything prints, so a Ctrl-C right after
  // the ready line can never find the default handler.
  let stack: Stack | undefined;
  let demo: ChildProcess | undefined = undefined; // the demo day, once the system is up
  let stopping = false;
  const shutdown = (running: Stack): void => {
    if (demo && demo.exitCode === null) demo.kill('SIGTERM');
    running.stop().then(
      () => {
        process.stdout.write('stopped.\n');
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  const stop = (): void => {
    if (stopping) {
      if (!stack) process.exit(130);
      return;
    }
    stopping = true;
    process.stdout.write('stopping OneStop…\n');
    if (stack) shutdown(stack); // otherwise main() does once startStack returns
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    stack = await startStack({
      databaseUrl: r.optional('DATABASE_URL'),
      dataDir: r.optional('ONESTOP_DATA_DIR'),
      mode: r.oneOf('NODE_ENV', ['development', 'production'] as const, 'development'),
      ports: {
        database: r.port('ONESTOP_DB_PORT', DEFAULT_PORTS.database),
        identity: r.port('IDENTITY_PORT', DEFAULT_PORTS.identity),
        gateway: r.port('GATEWAY_PORT', DEFAULT_PORTS.gateway),
        'work-permit': r.port('WORK_PERMIT_PORT', DEFAULT_PORTS['work-permit']),
        'residence-permit': r.port('RESIDENCE_PERMIT_PORT', DEFAULT_PORTS['residence-permit']),
        'counter-scheduling': r.port('COUNTER_SCHEDULING_PORT', DEFAULT_PORTS['counter-scheduling']),
        dashboard: r.port('DASHBOARD_PORT', DEFAULT_PORTS.dashboard),
      },
      onLog: (line) => {
        if (verbose || /"level":(4|5)\d|error:/.test(line)) process.stdout.write(`${line}\n`);
      },
    });
  } catch (err) {
    process.stderr.write(
      `error: ${err instanceof StartupError || (err as Error).name === 'StartupError' ? (err as Error).message : (err as Error).stack}\n`,
    );
    process.exit(1);
  }
  if (stopping) return shutdown(stack);
  const lines = [
    `  database            ${stack.databaseUrl.replace(/:[^:@/]*@/, ':***@')}`,
    `  identity (OIDC)     ${stack.issuer}`,
    `  gateway (GraphQL)   ${stack.gatewayUrl}`,
    `  work-permit         ${stack.urls['work-permit']}`,
    `  residence-permit    ${stack.urls['residence-permit']}`,
    `  counter-scheduling  ${stack.urls['counter-scheduling']}`,
    `  health / readiness  http://127.0.0.1:${stack.ports.gateway}/health  http://127.0.0.1:${stack.ports.gateway}/ready`,
    `  dashboard           ${stack.dashboardUrl}`,
  ];
  process.stdout.write(
    `${lines.join('\n')}\nOneStop is ready: ${stack.gatewayUrl}, dashboard ${stack.dashboardUrl} (Ctrl-C stops everything)\n`,
  );
  // Demo mode (the default outside production): one seeded simulated day through the API
  // (bench/README.md), so a new user sees cases in every state and load at every counter.
  const mode = r.oneOf('NODE_ENV', ['development', 'production'] as const, 'development');
  demo =
    mode !== 'production' && r.bool('ONESTOP_DEMO', true)
      ? spawn(process.execPath, [path.join(repoRoot, 'bench', 'dist', 'cli', 'simulate.js')], {
          cwd: repoRoot,
          // A busier day than the simulator's default (longer service, more cases), so the demo ends with
          // queues, counter-wait warnings and breaches live on the dashboard and a case in every state.
          env: {
            SIM_END_HOUR: '16',
            SIM_SERVICE_MEAN: '45',
            SIM_CASES: '240',
            ...process.env,
            SIM_GATEWAY_URL: stack.gatewayUrl,
            OIDC_ISSUER: stack.issuer,
          },
          stdio: ['ignore', 'inherit', 'inherit'],
        })
      : undefined;
}

await main();
