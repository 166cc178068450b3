/** @onestop/counter-scheduling: the subgraph definition, for the launcher and tests. */
export { counterSchedulingSubgraph } from './subgraph.js';
/** The SLA sweeper and its statement, for the sweep benchmark (bench/src/scenarios/sla-sweep.ts). */
export { SlaSweeper, SWEEP_SQL, type SlaSweeperOptions } from './modules/sla-calendar/index.js';
