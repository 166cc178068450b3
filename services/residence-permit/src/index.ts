/** @onestop/residence-permit: the subgraph definition, for the launcher and tests. */
export { residencePermitSubgraph } from './subgraph.js';
