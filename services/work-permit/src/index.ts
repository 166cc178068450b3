/** @onestop/work-permit: the subgraph definition, for the launcher and tests. */
export { workPermitSubgraph } from './subgraph.js';
