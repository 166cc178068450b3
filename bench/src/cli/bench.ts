/**
 * `pnpm bench [scenario …]`: starts the system on a throwaway database (or DATABASE_URL's
 * server), runs the scenarios in order, prints one JSON line each and appends a row each to
 * bench/RESULTS.md. `pnpm bench --list` names the scenarios.
 */
import { startBenchSystem } from '../lib/bench-stack.js';
import { SCENARIOS } from '../scenarios/index.js';
import type { Scale } from '../scenarios/scenario.js';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--list') || args.includes('--help')) {
    process.stdout.write(
      `usage: pnpm bench [--smoke] [--runs N] [--mixed] [--floor] [scenario …]\n\n${SCENARIOS.map((s) => `  ${s.name.padEnd(22)} ${s.description}`).join('\n')}\n`,
    );
    return 0;
  }
  const scale: Scale = args.includes('--smoke') ? 'smoke' : 'full';
  // `--runs N`: repeat a scenario's headline measurement N times (subscription-fanout: slaBreached at 5,000).
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : undefined;
  if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1 && runs <= 100)) {
    process.stderr.write('error: --runs takes a whole number from 1 to 100\n');
    return 2;
  }
  const mixed = args.includes('--mixed');
  // `--floor`: gateway-overhead also times a bare Node proxy and HAProxy in the same rounds.
  const floor = args.includes('--floor');
  const names = args.filter((a, i) => !a.startsWith('--') && !(runsAt >= 0 && i === runsAt + 1));
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) {
    process.stderr.write(
      `error: unknown scenario ${unknown.join(', ')}; one of: ${SCENARIOS.map((s) => s.name).join(', ')}\n`,
    );
    return 2;
  }
  const chosen = names.length ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS;
  const log = (m: string): void => void process.stderr.write(`[bench] ${m}\n`);
  const started = Date.now();
  const failures: string[] = [];
  // One system per instance count, in the order the scenarios first need it.
  const groups = [...new Set(chosen.map((s) => s.replicas ?? 1))];
  for (const replicas of groups) {
    log(
      `starting the system (NODE_ENV=test${replicas > 1 ? `, ${replicas} instances of every subgraph and gateway` : ''}) …`,
    );
    const sys = await startBenchSystem({}, { replicas });
    log(`system ready: ${sys.gateways.map((g) => g.url).join(', ')}`);
    try {
      for (const s of chosen.filter((c) => (c.replicas ?? 1) === replicas)) {
        const t0 = Date.now();
        log(`▶ ${s.name}: ${s.description}`);
        try {
          const { publish } = await import('../lib/results.js');
          await publish(
            await s.run({
              sys,
              scale,
              command: [
                ...(process.env.BENCH_BUILD ? [`BENCH_BUILD=${process.env.BENCH_BUILD}`] : []),
                'pnpm bench',
                ...(names.length ? [s.name] : []),
                ...(scale === 'smoke' ? ['--smoke'] : []),
                ...(runs ? ['--runs', String(runs)] : []),
                ...(mixed ? ['--mixed'] : []),
                ...(floor ? ['--floor'] : []),
              ].join(' '),
              log,
              options: { runs, mixed, floor },
            }),
          );
          log(`✓ ${s.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        } catch (err) {
          failures.push(s.name);
          log(`✗ ${s.name}: ${(err as Error).message}`);
        }
      }
    } finally {
      await sys.stop();
    }
  }
  log(
    `done in ${((Date.now() - started) / 1000).toFixed(0)} s${failures.length ? `; failed: ${failures.join(', ')}` : ''}`,
  );
  return failures.length ? 1 : 0;
}

process.exitCode = await main();
