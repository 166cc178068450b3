import { it, expect } from 'vitest';
import { collect, startFixtureSystem } from '/work/main/test/src/gateway-fixtures.js';
it('dbg', async () => {
  const sys = await startFixtureSystem({ LOG_LEVEL: 'debug' });
  const sub = collect(sys.wsClient(null), { query: 'subscription { slaBreached { kind } }' });
  await sub.waitFor(1);
  console.log(JSON.stringify(sub.results));
  await sys.stop();
});
