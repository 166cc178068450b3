/**
 * `pnpm simulate [flags]`: one deterministic day in the city against a running system
 * (`pnpm start` in another terminal, or the gateway named by --gateway). `--help` lists the flags.
 */
import { StartupError } from '@onestop/common';
import { CitySimulator, formatSummary } from '../simulator/city-simulator.js';
import { parseSimulatorConfig, simulatorHelp } from '../simulator/config.js';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(simulatorHelp());
    return 0;
  }
  const json = argv.includes('--json');
  try {
    const cfg = parseSimulatorConfig(argv.filter((a) => a !== '--json'));
    const summary = await new CitySimulator(cfg).run();
    process.stdout.write(`${formatSummary(summary)}\n`);
    if (json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    return summary.casesFiled > 0 || summary.casesPlanned === 0 ? 0 : 1;
  } catch (err) {
    const e = err as Error;
    if (e instanceof StartupError || e.name === 'StartupError') process.stderr.write(`error: ${e.message}\n`);
    else if ((e as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED')
      process.stderr.write(
        `error: the gateway is not reachable: start the system with \`pnpm start\` first (${e.message}).\n`,
      );
    else process.stderr.write(`error: ${e.stack ?? e.message}\n`);
    return 1;
  }
}

process.exitCode = await main();
