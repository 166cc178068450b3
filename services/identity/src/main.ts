import 'reflect-metadata';
import { runMain } from '@onestop/common';
import { loadIdentityConfig } from './config.js';
import { startIdentity } from './server.js';

runMain(async () => {
  const running = await startIdentity(loadIdentityConfig());
  return { stop: () => running.stop() };
});
