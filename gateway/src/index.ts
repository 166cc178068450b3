/** @onestop/gateway: the federated gateway, for the launcher and tests. */
export { startGateway, type RunningGateway, type GatewayContext } from './gateway-server.js';
export { loadGatewayConfig, type GatewayConfig, type SubgraphEndpoint } from './config.js';
