/** @onestop/scripts: the launcher, shared with the cross-service testkit and the benchmarks. */
export {
  startStack,
  freePort,
  DEFAULT_PORTS,
  FREE_PORTS,
  type Stack,
  type StackOptions,
  type StackPorts,
  type ServiceName,
} from './stack.js';
export { repoRoot } from './paths.js';
export { startDashboardServer, type DashboardServerOptions, type RunningDashboardServer } from './dashboard-server.js';
