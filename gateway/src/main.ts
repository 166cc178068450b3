import { runMain, startTracing } from '@onestop/common';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './gateway-server.js';

runMain(async () => {
  const cfg = loadGatewayConfig();
  // Registered before the gateway exists, so its first span is exported (no endpoint: nothing registered).
  const tracing = startTracing('gateway', cfg.common.observability);
  const g = await startGateway(cfg);
  return {
    stop: async () => {
      await g.close();
      await tracing.shutdown();
    },
  };
});
