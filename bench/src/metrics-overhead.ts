/**
 * What the Prometheus instrumentation adds to one gateway request (decision 0014): the Apollo
 * plugin's hooks for one operation (count, latency, no errors) and one subgraph call's counter and
 * histogram, run back to back on a document parsed once (as Apollo's document cache hands it);
 * and how long a scrape of the resulting registry takes. No stack: the instrumentation alone.
 * Run: `npx tsc -b tsconfig.build.json && node bench/dist/metrics-overhead.js` — prints one JSON document.
 */
import { cpus } from 'node:os';
import { parse, type OperationDefinitionNode } from 'graphql';
import { graphqlMetricsPlugin, ProcessMetrics } from '@onestop/common';
import { createGatewayMetrics, operationHash, Safelist } from '@onestop/gateway';

const N = Number(process.argv[2] ?? 200_000);
const documents = ['query CityLoad { cityLoad { date } }', 'query BenchCounters { serviceCounters { id } }'].map(
  (q) => {
    const document = parse(q);
    return { document, operation: document.definitions[0] as OperationDefinitionNode };
  },
);
// The gateway's own families; one of the two operations is safelisted (labelled by name), as in production.
const safelist = new Safelist(new Set([operationHash(documents[0]!.document, 'CityLoad')!]));
const gateway = createGatewayMetrics(
  () => safelist,
  () => ({ upstreams: 0, subscribers: 0 }),
  new ProcessMetrics('gateway', { processMetrics: false }),
);
const metrics = gateway.registry;
const plugin = graphqlMetricsPlugin(metrics, gateway.knownOperation);
const response = { body: { kind: 'single', singleResult: { data: {} } } };

async function oneRequest(i: number): Promise<void> {
  const { document, operation } = documents[i % documents.length]!;
  const hooks = (await plugin.requestDidStart!({} as never))!;
  await hooks.didResolveOperation!({ document, operation, operationName: operation.name!.value } as never);
  gateway.subgraphCall('counter-scheduling', 'ok', performance.now());
  await hooks.willSendResponse!({ response, errors: undefined } as never);
}

for (let i = 0; i < 20_000; i++) await oneRequest(i); // warm-up
const heapBefore = process.memoryUsage().heapUsed;
const cpuBefore = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < N; i++) await oneRequest(i);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpuBefore);
const heapAfter = process.memoryUsage().heapUsed;
const scrapes: number[] = [];
for (let i = 0; i < 50; i++) {
  const s = performance.now();
  await metrics.render();
  scrapes.push(performance.now() - s);
}
scrapes.sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
    requests: N,
    perRequestMicros: { cpu: +((cpu.user + cpu.system) / N).toFixed(2), wall: +((wallMs * 1000) / N).toFixed(2) },
    heapGrowthBytesPerRequest: +((heapAfter - heapBefore) / N).toFixed(1),
    scrapeMs: { p50: +scrapes[25]!.toFixed(2), max: +scrapes.at(-1)!.toFixed(2) },
  })}\n`,
);
