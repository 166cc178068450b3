/** @onestop/scripts: the launcher, shared with the cross-service testkit and the benchmarks. */
export { freePort } from '@onestop/common';
export {
  startStack,
  DEFAULT_PORTS,
  DEFAULT_RESTART_POLICY,
  PORT_VARS,
  PROCESSES,
  type Instance,
  type ProcessSpec,
  type RestartPolicy,
  FREE_PORTS,
  type Stack,
  type StackOptions,
  type StackPorts,
  type ServiceName,
} from './stack.js';
export { repoRoot } from './paths.js';
export { startDashboardServer, type DashboardServerOptions, type RunningDashboardServer } from './dashboard-server.js';
