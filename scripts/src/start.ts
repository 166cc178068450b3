/**
 * `pnpm start`: the whole system on one machine. Starts the embedded PostgreSQL (or uses
 * DATABASE_URL), the identity provider (unless OIDC_ISSUER names another), the subgraphs, the gateway and the dashboard server, prints every URL and a ready line, and stops
 * everything cleanly on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { EnvReader, StartupError } from '@onestop/common';
import { repoRoot } from './paths.js';
import { DEFAULT_PORTS, PORT_VARS, PROCESSES, startStack, type Stack, type StackPorts } from './stack.js';

async function main(): Promise<void> {
  if (process.versions.node.split('.')[0] !== '24') {
    process.stderr.write(
      `error: OneStop runs on Node 24 (this is ${process.version}): start it with \`npm start\`, which installs it.\n`,
    );
    process.exit(1);
  }
  const r = new EnvReader();
  const verbose = r.bool('ONESTOP_VERBOSE', false);
  // Ctrl-C is ours from the first moment: during start-up it stops what has started as soon as
  // start-up returns (a second Ctrl-C leaves at once; every process then stops itself when it
  // notices the launcher is gone). Installed before anything prints, so a Ctrl-C right after
  // the ready line can never find the default handler.
  let stack: Stack | undefined;
  let demo: ChildProcess | undefined = undefined; // the demo day, once the system is up
  let stopping = false;
  const shutdown = (running: Stack, hurry = false): void => {
    if (demo && demo.exitCode === null) demo.kill('SIGTERM');
    running.stop({ hurry }).then(
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
  let stops = 0;
  const stop = (): void => {
    stops++;
    if (stops === 1) {
      stopping = true;
      process.stdout.write('stopping OneStop…\n');
      if (stack) shutdown(stack); // otherwise main() does once startStack returns
    } else if (!stack) {
      process.exit(130); // during start-up: every process stops itself once the launcher is gone
    } else if (stops === 2) {
      // A second Ctrl-C: kill the services now, still stop PostgreSQL cleanly (it takes a second).
      process.stdout.write('stopping OneStop now (services killed; the database stops cleanly)…\n');
      shutdown(stack, true);
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    stack = await startStack({
      databaseUrl: r.optional('DATABASE_URL'),
      dataDir: r.optional('ONESTOP_DATA_DIR'),
      mode: r.oneOf('NODE_ENV', ['development', 'production'] as const, 'development'),
      ports: Object.fromEntries(
        Object.entries(PORT_VARS).map(([name, v]) => [name, r.port(v, DEFAULT_PORTS[name as keyof StackPorts])]),
      ) as StackPorts,
      replicas: r.int('ONESTOP_REPLICAS', 1, 1, 9),
      // Outside containers the launcher is the supervisor: a process that dies comes back.
      restart: {
        maxRestarts: r.int('ONESTOP_MAX_RESTARTS', 5, 0, 1000),
      },
      onLog: (line) => {
        if (verbose || line.startsWith('[launcher]') || /"level":(4|5)\d|error:/.test(line)) {
          process.stdout.write(`${line}\n`);
        }
      },
    });
  } catch (err) {
    process.stderr.write(
      `error: ${err instanceof StartupError || (err as Error).name === 'StartupError' ? (err as Error).message : (err as Error).stack}\n`,
    );
    process.exit(1);
  }
  if (stopping) return shutdown(stack);
  const running = stack;
  const pad = (label: string): string => label.padEnd(24);
  const LABELS: Partial<Record<string, string>> = {
    gateway: 'gateway (GraphQL)',
    identity: 'identity (OIDC)',
    files: 'attachment files', // signed upload/download URLs (docs/attachments.md)
  };
  // The gateway first, then the subgraphs and the dashboard, each instance on its own line.
  const shown = [...PROCESSES].sort((a, b) => Number(b.name === 'gateway') - Number(a.name === 'gateway'));
  const lines = [
    `  ${pad('database')}${running.databaseUrl.replace(/:[^:@/]*@/, ':***@')}`,
    ...shown.flatMap((p) =>
      [p.name, ...('sidePorts' in p ? p.sidePorts.map((s) => s.name) : [])].flatMap((name) =>
        running.instances[name].map(
          (inst, i) =>
            `  ${pad(`${LABELS[name] ?? name}${running.instances[name].length > 1 ? ` #${i + 1}` : ''}`)}${inst.url}`,
        ),
      ),
    ),
    `  ${pad('health / readiness')}http://127.0.0.1:${running.ports.gateway}/health  http://127.0.0.1:${running.ports.gateway}/ready`,
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
