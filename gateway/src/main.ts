import { runMain } from '@onestop/common';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './gateway-server.js';

runMain(() => startGateway(loadGatewayConfig()).then((g) => ({ stop: () => g.close() })));
