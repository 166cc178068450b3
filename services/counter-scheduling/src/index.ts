/** @onestop/counter-scheduling: the subgraph definition, for the launcher and tests. */
export { counterSchedulingSubgraph } from './subgraph.js';
