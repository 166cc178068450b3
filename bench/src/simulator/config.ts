import { StartupError } from '@onestop/common';

/** Everything that shapes a simulated day; each has a CLI flag and an environment variable. */
export interface SimulatorConfig {
  /** The gateway's GraphQL URL. */
  gatewayUrl: string;
  /** The identity provider the simulated people get their tokens from (default: OIDC_ISSUER, or the embedded one). */
  issuer?: string;
  /** PRNG seed: the same seed and settings plan the same day. */
  seed: number;
  /** Cases filed during the day (a share of them "overnight", before the counters open). */
  cases: number;
  /** Share of `cases` already filed when the day starts. */
  backlogShare: number;
  /** Filings per simulated hour during the day (0: spread `cases` evenly over opening hours). */
  arrivalRate: number;
  /** Mean service time at a window, simulated minutes (log-normal, coefficient of variation `serviceCv`). */
  serviceMeanMin: number;
  serviceCv: number;
  /** Simulated seconds per real second. */
  speed: number;
  /** The clock moves in steps of this many simulated minutes. */
  stepMin: number;
  /** Simulated day: from `startHour` to `endHour` (Asia/Shanghai). */
  startHour: number;
  endHour: number;
  /** Probabilities of the day's mishaps. */
  returnRate: number;
  noShowRate: number;
  withdrawRate: number;
  refuseRate: number;
  /** Mean officer response times, simulated minutes (exponential). */
  preExamDelayMin: number;
  decisionDelayMin: number;
  claimDelayMin: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Print progress lines. */
  verbose: boolean;
}

export const DEFAULT_SIMULATOR_CONFIG: Omit<SimulatorConfig, 'gatewayUrl'> = {
  seed: 20260305,
  cases: 180,
  backlogShare: 0.5,
  arrivalRate: 0,
  serviceMeanMin: 18,
  serviceCv: 0.5,
  speed: 120,
  stepMin: 2,
  startHour: 8,
  endHour: 17,
  returnRate: 0.2,
  noShowRate: 0.1,
  withdrawRate: 0.03,
  refuseRate: 0.05,
  preExamDelayMin: 45,
  decisionDelayMin: 100,
  claimDelayMin: 60,
  concurrency: 8,
  verbose: true,
};

const FLAGS: Record<string, { key: keyof SimulatorConfig; env: string; help: string }> = {
  '--gateway': {
    key: 'gatewayUrl',
    env: 'SIM_GATEWAY_URL',
    help: 'gateway GraphQL URL (default http://127.0.0.1:$GATEWAY_PORT/graphql)',
  },
  '--seed': { key: 'seed', env: 'SIM_SEED', help: 'PRNG seed' },
  '--cases': { key: 'cases', env: 'SIM_CASES', help: 'cases filed in the day' },
  '--backlog': { key: 'backlogShare', env: 'SIM_BACKLOG', help: 'share of cases filed before the day starts (0..1)' },
  '--arrival-rate': {
    key: 'arrivalRate',
    env: 'SIM_ARRIVAL_RATE',
    help: 'filings per simulated hour (0 = spread evenly)',
  },
  '--service-mean': { key: 'serviceMeanMin', env: 'SIM_SERVICE_MEAN', help: 'mean service time at a window, minutes' },
  '--service-cv': { key: 'serviceCv', env: 'SIM_SERVICE_CV', help: 'coefficient of variation of service times' },
  '--speed': { key: 'speed', env: 'SIM_SPEED', help: 'simulated seconds per real second' },
  '--step': { key: 'stepMin', env: 'SIM_STEP', help: 'clock step, simulated minutes' },
  '--start-hour': { key: 'startHour', env: 'SIM_START_HOUR', help: 'day starts at (Asia/Shanghai hour)' },
  '--end-hour': { key: 'endHour', env: 'SIM_END_HOUR', help: 'day ends at (Asia/Shanghai hour)' },
  '--return-rate': {
    key: 'returnRate',
    env: 'SIM_RETURN_RATE',
    help: 'share of pre-examinations returned for correction',
  },
  '--no-show': { key: 'noShowRate', env: 'SIM_NO_SHOW', help: 'share of appointments missed' },
  '--withdraw-rate': { key: 'withdrawRate', env: 'SIM_WITHDRAW_RATE', help: 'share of cases withdrawn by the agency' },
  '--refuse-rate': { key: 'refuseRate', env: 'SIM_REFUSE_RATE', help: 'share of permits refused' },
  '--pre-exam-delay': {
    key: 'preExamDelayMin',
    env: 'SIM_PRE_EXAM_DELAY',
    help: 'mean minutes until an officer pre-examines',
  },
  '--decision-delay': {
    key: 'decisionDelayMin',
    env: 'SIM_DECISION_DELAY',
    help: 'mean minutes from acceptance to decisions',
  },
  '--claim-delay': { key: 'claimDelayMin', env: 'SIM_CLAIM_DELAY', help: 'mean minutes from ready to claim' },
  '--concurrency': { key: 'concurrency', env: 'SIM_CONCURRENCY', help: 'requests in flight at once' },
};

/** `pnpm simulate --help`. */
export function simulatorHelp(): string {
  const rows = Object.entries(FLAGS).map(([flag, f]) => {
    const def = (DEFAULT_SIMULATOR_CONFIG as Record<string, unknown>)[f.key];
    return `  ${flag.padEnd(17)} ${f.env.padEnd(20)} ${f.help}${def !== undefined ? ` [${String(def)}]` : ''}`;
  });
  return `usage: pnpm simulate [flags]   (flag, or environment variable)\n${rows.join('\n')}\n  --quiet                               only the summary\n  --json                                also print the summary as one JSON line\n`;
}

/** Reads flags (`--seed 7` or `--seed=7`) over environment variables over defaults; rejects unknown flags and bad numbers. */
export function parseSimulatorConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): SimulatorConfig {
  const cfg: Record<string, unknown> = {
    ...DEFAULT_SIMULATOR_CONFIG,
    gatewayUrl: `http://127.0.0.1:${env.GATEWAY_PORT || '4000'}/graphql`,
  };
  for (const f of Object.values(FLAGS)) {
    const v = env[f.env];
    if (v !== undefined && v !== '') cfg[f.key] = f.key === 'gatewayUrl' ? v : toNumber(f.env, v);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quiet') {
      cfg.verbose = false;
      continue;
    }
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const f = FLAGS[flag];
    if (!f) throw new StartupError(`unknown flag ${flag}: see pnpm simulate --help`);
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new StartupError(`${flag} needs a value`);
    cfg[f.key] = f.key === 'gatewayUrl' ? raw : toNumber(flag, raw);
  }
  const c = cfg as unknown as SimulatorConfig;
  const problems: string[] = [];
  if (!(c.cases >= 0)) problems.push('cases must be ≥ 0');
  if (!(c.speed > 0)) problems.push('speed must be > 0');
  if (!(c.stepMin > 0)) problems.push('step must be > 0');
  if (!(c.serviceMeanMin > 0)) problems.push('service mean must be > 0');
  if (!(c.startHour >= 0 && c.endHour <= 24 && c.startHour < c.endHour))
    problems.push('start hour must be before end hour, within 0..24');
  for (const k of ['backlogShare', 'returnRate', 'noShowRate', 'withdrawRate', 'refuseRate'] as const) {
    if (!(c[k] >= 0 && c[k] <= 1)) problems.push(`${k} must be between 0 and 1`);
  }
  if (!(c.concurrency >= 1)) problems.push('concurrency must be ≥ 1');
  if (problems.length) throw new StartupError(`invalid simulator settings: ${problems.join('; ')}`);
  return c;
}

function toNumber(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new StartupError(`${name}=${raw} is not a number`);
  return n;
}
