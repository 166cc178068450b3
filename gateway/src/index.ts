/** @onestop/gateway: the federated gateway, for the launcher, scripts and tests. */
export { startGateway, type RunningGateway, type GatewayOverrides } from './gateway-server.js';
export type { FastPathStats } from './fast-path.js';
export type { GatewayContext } from './context.js';
export {
  loadGatewayConfig,
  type GatewayConfig,
  type SubgraphEndpoint,
  type OperationLimits,
  type SafelistMode,
  type SubscriptionSharing,
} from './config.js';
export {
  operationHash,
  documentHashes,
  safelistFromOperations,
  safelistFromManifest,
  NOT_IN_SAFELIST,
  Safelist,
} from './safelist.js';
export { requestIdFrom } from './request-id.js';
export { SPANS } from './telemetry.js';
export { createGatewayMetrics, type GatewayMetrics } from './metrics.js';
export { checkOperations, type OperationProblem } from './operation-check.js';
