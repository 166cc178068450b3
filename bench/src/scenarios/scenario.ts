import type { BenchSystem } from '../lib/bench-stack.js';
import type { ScenarioReport } from '../lib/results.js';

/** How big a run is: `full` for `pnpm bench`, `smoke` for the spec that checks each scenario works. */
export type Scale = 'full' | 'smoke';

/** What every scenario gets. */
export interface ScenarioContext {
  sys: BenchSystem;
  scale: Scale;
  /** The command line that ran it (for the RESULTS.md row). */
  command: string;
  log(message: string): void;
  /** Command-line options some scenarios read (`--runs N`, `--mixed`, `--floor`); absent in specs. */
  options?: { runs?: number; mixed?: boolean; floor?: boolean };
}

/** One benchmark scenario; `run` returns the report, which the runner prints and appends. */
export interface Scenario {
  name: string;
  description: string;
  /** Instances of every subgraph and gateway the scenario needs (1 unless set); `pnpm bench` starts a system per value. */
  replicas?: number;
  run(ctx: ScenarioContext): Promise<ScenarioReport>;
}
