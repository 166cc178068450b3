/**
 * @onestop/bench: the city simulator and the benchmark scenarios, importable so tests (and
 * other tools) can run them at any scale. The CLIs are `pnpm simulate` and `pnpm bench`.
 */
export { CitySimulator, formatSummary, nextDayStart, type SimulationSummary } from './simulator/city-simulator.js';
export {
  DEFAULT_SIMULATOR_CONFIG,
  parseSimulatorConfig,
  simulatorHelp,
  type SimulatorConfig,
} from './simulator/config.js';
export { Api, MissingOperationError, UnfillableInputError, type Selection } from './simulator/api.js';
export { CitySteps, StepRunner, STEPS, type SimCase, type StepName, type StepStats } from './simulator/steps.js';
export { planDay, type CasePlan, type SimCounter } from './simulator/plan.js';
export { SCENARIOS } from './scenarios/index.js';
export type { Scenario, ScenarioContext, Scale } from './scenarios/scenario.js';
export { runGatewayOverhead } from './scenarios/gateway-overhead.js';
export { runFederatedCase } from './scenarios/federated-case.js';
export { runSubscriptionFanout } from './scenarios/subscription-fanout.js';
export { runBookingContention } from './scenarios/booking-contention.js';
export { runSlaSweep } from './scenarios/sla-sweep.js';
export { runDataScale } from './scenarios/data-scale.js';
export { startBenchSystem, type BenchSystem } from './lib/bench-stack.js';
export {
  publish,
  check,
  DEFAULT_RESULTS_FILE,
  type ScenarioReport,
  type TargetCheck,
  type ResultRow,
} from './lib/results.js';
export { Prng } from './lib/prng.js';
