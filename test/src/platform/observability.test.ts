/**
 * Metrics and traces on the real stack: every process answers `/metrics` with the families of
 * docs/deploy.md (operations, latency and errors per operation, subgraph calls, consumer lag,
 * SLA sweeps, subscriptions, the database pool) with bounded labels; with an OTLP endpoint set,
 * one request through the gateway is one trace spanning the gateway and the subgraphs (a real
 * OTLP/HTTP receiver in this test takes the exports).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  startTestSystem,
  waitFor,
  type TestSystem,
  agencyToken,
  AGENCY_A,
  fileCase,
  filing,
  today,
} from '../testkit/index.js';

/** One span as the receiver saw it. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
}

/** A minimal OTLP/HTTP trace receiver (JSON encoding, as `@opentelemetry/exporter-trace-otlp-http` sends). */
async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url !== '/v1/traces' || !String(req.headers['content-type']).includes('json')) {
        res.writeHead(415).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
          scopeSpans: { spans: { traceId: string; spanId: string; parentSpanId?: string; name: string }[] }[];
        }[];
      };
      for (const rs of body.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const ss of rs.scopeSpans)
          for (const s of ss.spans)
            spans.push({
              service,
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
            });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A parsed exposition: sample lines by family, and the families that were declared. */
interface Exposition {
  families: Set<string>;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

function parseExposition(text: string): Exposition {
  const families = new Set<string>();
  const samples: Exposition['samples'] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) /.exec(line);
    if (type) families.add(type[1]!);
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { families, samples };
}

async function scrape(url: string): Promise<Exposition> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return parseExposition(await res.text());
}

const sample = (e: Exposition, name: string, labels: Record<string, string> = {}) =>
  e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

/** Operation labels are a safelisted name, `<type> <root field>`, or `(invalid)`/`(other)`: never free text. */
const BOUNDED_OPERATION =
  /^(?:(?:query|mutation|subscription) [_A-Za-z][_0-9A-Za-z]*|[A-Z][A-Za-z0-9]*|\((?:invalid|other|fragment)\))$/;

describe('observability: /metrics on every process and one trace across the services', () => {
  let sys: TestSystem;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let client: Client | undefined;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    sys = await startTestSystem({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' });
  });
  afterAll(async () => {
    await client?.dispose();
    await sys?.stop();
    await receiver?.close();
  });

  it('serves every family named in docs/deploy.md, per operation and per subgraph, with bounded labels', async () => {
    const agency = await agencyToken(sys);
    const manager = await sys.token('MANAGER');
    // Traffic: a federated mutation, a safelisted dashboard operation, a refused one and free text.
    const filed = await fileCase(sys, agency, filing(AGENCY_A.employerIds[0]!, await today(sys)));
    const federated = await sys.gql(
      `query One($id: ID!) { case(id: $id) { id residencePermit { status } } }`,
      { id: filed.id },
      agency,
    );
    expect(federated.errors).toBeUndefined();
    const cityLoad = await readFile(
      new URL('../../../dashboard/src/graphql/city-load.graphql', import.meta.url),
      'utf8',
    );
    expect((await sys.gql(cityLoad, {}, manager)).errors).toBeUndefined();
    const refused = await sys.gql(`query { serviceCounters { id } cases(first: 5) { totalCount } }`, {}, null);
    expect(refused.errors?.length).toBeGreaterThan(0);
    await sys.gql(`query Zzq81RandomClientName { serviceCounters { id } }`, {}, manager);
    expect((await sys.gql(`{ serviceCounters { id } }`, {}, 'not-a-token')).status).toBe(401);
    // A live subscription, so the gateway holds one upstream.
    client = createClient({
      url: sys.gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${manager}` },
    });
    client.subscribe(
      { query: 'subscription { counterLoadChanged { counterId eventId } }' },
      {
        next: () => undefined,
        error: () => undefined,
        complete: () => undefined,
      },
    );

    const families = new Set<string>();
    const gatewayMetrics = new URL('/metrics', sys.gatewayUrl).toString();
    const gw = await waitFor(
      async () => {
        const e = await scrape(gatewayMetrics);
        return sample(e, 'onestop_gateway_subscriptions')[0]?.value === 1 ? e : undefined;
      },
      30_000,
      'the gateway to count the live subscription',
    );
    expect(sample(gw, 'onestop_gateway_upstream_subscriptions')[0]?.value).toBe(1);
    expect(sample(gw, 'onestop_graphql_operations_total', { operation: 'CityLoad', outcome: 'ok' })[0]?.value).toBe(1);
    expect(
      sample(gw, 'onestop_graphql_operations_total', { operation: 'mutation fileCase', outcome: 'ok' }),
    ).toHaveLength(1);
    expect(sample(gw, 'onestop_graphql_operation_duration_seconds_count', { operation: 'CityLoad' })[0]?.value).toBe(1);
    expect(sample(gw, 'onestop_graphql_errors_total').length).toBeGreaterThan(0);
    // Refused before GraphQL (a bad token): seen only in the HTTP responses.
    expect(sample(gw, 'onestop_gateway_http_responses_total', { code: '401' })[0]?.value).toBeGreaterThanOrEqual(1);
    expect(sample(gw, 'onestop_gateway_http_responses_total', { code: '200' })[0]?.value).toBeGreaterThan(2);
    for (const subgraph of ['work-permit', 'residence-permit', 'counter-scheduling']) {
      expect(sample(gw, 'onestop_subgraph_requests_total', { subgraph }).length, subgraph).toBeGreaterThan(0);
      expect(
        sample(gw, 'onestop_subgraph_request_duration_seconds_count', { subgraph })[0]?.value,
        subgraph,
      ).toBeGreaterThan(0);
    }
    const gwOperations = new Set(sample(gw, 'onestop_graphql_operations_total').map((s) => s.labels.operation!));
    for (const op of gwOperations) expect(op).toMatch(BOUNDED_OPERATION);
    expect([...gwOperations].join(' ')).not.toContain('Zzq81');
    expect(gwOperations).toContain('query serviceCounters');
    expect(gw.families).toContain('process_cpu_seconds_total');
    for (const f of gw.families) families.add(f);

    const consumers: Record<string, string> = {
      'work-permit': 'work-permit.case-lifecycle',
      'residence-permit': 'residence-permit.case-events',
      'counter-scheduling': 'counter-scheduling.sla-clocks',
    };
    for (const [name, consumer] of Object.entries(consumers)) {
      const port = sys.stack.ports[name as 'work-permit'];
      const e = await waitFor(
        async () => {
          const x = await scrape(`http://127.0.0.1:${port}/metrics`);
          return sample(x, 'onestop_event_consumer_lag', { consumer }).length ? x : undefined;
        },
        30_000,
        `${name}: lag of ${consumer}`,
      );
      expect(sample(e, 'onestop_event_consumer_lag', { consumer })[0]!.value, name).toBeGreaterThanOrEqual(0);
      expect(sample(e, 'onestop_event_log_head')[0]!.value, name).toBeGreaterThan(0);
      expect(sample(e, 'onestop_db_pool_connections', { state: 'max' })[0]?.value, name).toBeGreaterThan(0);
      expect(sample(e, 'onestop_db_pool_connections', { state: 'in_use' }), name).toHaveLength(1);
      const ops = sample(e, 'onestop_graphql_operations_total');
      expect(ops.length, name).toBeGreaterThan(0);
      for (const s of ops) expect(s.labels.operation, name).toMatch(BOUNDED_OPERATION);
      expect(sample(e, 'onestop_graphql_operation_duration_seconds_count').length, name).toBeGreaterThan(0);
      expect(e.families, name).toContain('onestop_graphql_errors_total');
      expect(sample(e, 'onestop_graphql_operations_total')[0]!.labels.service).toBe(name);
      for (const f of e.families) families.add(f);
    }
    // The identity provider and the dashboard server: requests by route class (bounded), the provider's pool.
    const idp = await scrape(new URL('/metrics', `${sys.issuer}/`).toString());
    expect(sample(idp, 'onestop_http_requests_total', { route: 'token', code: '200' })[0]?.value).toBeGreaterThan(0);
    expect(sample(idp, 'onestop_http_request_duration_seconds_count', { route: 'token' })[0]?.value).toBeGreaterThan(0);
    expect(sample(idp, 'onestop_db_pool_connections', { state: 'max' })[0]?.value).toBeGreaterThan(0);
    expect(sample(idp, 'onestop_http_requests_total')[0]!.labels.service).toBe('identity');
    for (const f of idp.families) families.add(f);
    expect((await fetch(sys.stack.dashboardUrl)).status).toBe(200);
    await fetch(new URL('/no/such/page', sys.stack.dashboardUrl));
    const dash = await scrape(new URL('/metrics', sys.stack.dashboardUrl).toString());
    expect(sample(dash, 'onestop_http_requests_total', { route: 'static', code: '200' })[0]?.value).toBeGreaterThan(0);
    const routes = new Set(sample(dash, 'onestop_http_requests_total').map((x) => x.labels.route));
    expect([...routes].every((r) => ['static', 'graphql-proxy', 'auth-config', 'dev-proxy'].includes(r!))).toBe(true);
    expect(dash.families).toContain('process_cpu_seconds_total');
    for (const f of dash.families) families.add(f);
    const cs = await scrape(`http://127.0.0.1:${sys.stack.ports['counter-scheduling']}/metrics`);
    expect(sample(cs, 'onestop_sla_sweep_duration_seconds_count')[0]!.value).toBeGreaterThan(0);
    expect(sample(cs, 'onestop_sla_clocks_due')).toHaveLength(1);
    expect(cs.families).toContain('onestop_sla_clocks_fired_total');
    for (const f of cs.families) families.add(f);
    // The shipped Grafana dashboard plots only families the processes really serve.
    const dashboard = JSON.parse(
      await readFile(new URL('../../../deploy/grafana/onestop.json', import.meta.url), 'utf8'),
    ) as { panels: { targets?: { expr: string }[] }[] };
    const plotted = dashboard.panels
      .flatMap((p) => p.targets ?? [])
      .flatMap((t) => [...t.expr.matchAll(/\b((?:onestop|process|nodejs)_[a-z0-9_]+)/g)]);
    expect(plotted.length).toBeGreaterThan(15);
    for (const [, metric] of plotted) {
      expect(families, metric).toContain(metric!.replace(/_(bucket|count|sum)$/, ''));
    }
    // The subgraphs label the gateway's planned fetches by root field, `_entities` included.
    const wp = await scrape(`http://127.0.0.1:${sys.stack.ports['work-permit']}/metrics`);
    expect(
      sample(wp, 'onestop_graphql_operations_total', { operation: 'mutation fileCase', outcome: 'ok' }),
    ).toHaveLength(1);
  });

  // Uses the case the first test filed: listing it reaches work-permit and residence-permit.
  it('exports one trace from the gateway through the subgraphs over OTLP/HTTP', async () => {
    const agency = await agencyToken(sys);
    const traceparentTrace = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    // A client's own trace is continued: the gateway honours an incoming traceparent.
    const res = await fetch(sys.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${agency}`,
        traceparent: `00-${traceparentTrace}-0102030405060708-01`,
      },
      body: JSON.stringify({
        query: `query Traced { cases(first: 3) { edges { node { id reference residencePermit { status } } } } }`,
      }),
    });
    const body = (await res.json()) as { errors?: unknown };
    expect(body.errors).toBeUndefined();
    const trace = await waitFor(
      () => {
        const spans = receiver.spans.filter((s) => s.traceId === traceparentTrace);
        const done = (service: string, name: string): boolean =>
          spans.some((s) => s.service === service && s.name === name);
        return done('onestop-gateway', 'onestop.gateway.request') &&
          done('onestop-work-permit', 'onestop.subgraph.request') &&
          done('onestop-residence-permit', 'onestop.subgraph.request')
          ? spans
          : undefined;
      },
      30_000,
      'gateway and work-permit spans of one trace',
    );
    const gatewayRequest = trace.find((s) => s.service === 'onestop-gateway' && s.name === 'onestop.gateway.request');
    expect(gatewayRequest?.parentSpanId).toBe('0102030405060708');
    // Each subgraph's server span is a child of one of the gateway's subgraph_fetch spans.
    const fetches = new Set(
      trace
        .filter((s) => s.service === 'onestop-gateway' && s.name === 'onestop.gateway.subgraph_fetch')
        .map((s) => s.spanId),
    );
    const subgraphSpans = trace.filter((s) => s.name === 'onestop.subgraph.request');
    expect(subgraphSpans.length).toBeGreaterThan(0);
    for (const s of subgraphSpans) expect(fetches.has(s.parentSpanId), `${s.service} parent`).toBe(true);
  });
});
