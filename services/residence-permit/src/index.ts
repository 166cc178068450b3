/** @onestop/residence-permit: the subgraph definition, for the launcher and tests; its services, for specs of the whole subgraph. */
export { residencePermitSubgraph } from './subgraph.js';
export { servicesOf } from './context.js';
