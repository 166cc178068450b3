import autocannon from 'autocannon';
import { summarize, round, type LatencySummary } from './stats.js';

/** What one autocannon run measured, with sub-millisecond latencies from its response events. */
export interface LoadResult {
  connections: number;
  requests: number;
  durationS: number;
  requestsPerSecond: number;
  latency: LatencySummary;
  /** Connection errors, timeouts, non-2xx responses and GraphQL `errors` in 2xx bodies. */
  errors: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds to run (ignored when `amount` is set). */
  durationS?: number;
  /** Stop after this many requests (smoke tests). */
  amount?: number;
  body: string;
  headers: Record<string, string>;
  /** Per-request hook, e.g. to sign each request for a subgraph. */
  sign?: (body: string) => Record<string, string>;
}

/** Runs autocannon against one GraphQL endpoint with a fixed POST body. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let bodyErrors = 0;
  let done!: (r: autocannon.Result) => void;
  let fail!: (e: Error) => void;
  const finished = new Promise<autocannon.Result>((res, rej) => {
    done = res;
    fail = rej;
  });
  const instance = autocannon(
    {
      url: opts.url,
      connections: opts.connections,
      duration: opts.durationS ?? 10,
      amount: opts.amount,
      timeout: 20,
      requests: [
        {
          method: 'POST',
          body: opts.body,
          headers: { 'content-type': 'application/json', ...opts.headers },
          ...(opts.sign
            ? {
                setupRequest: (req: autocannon.Request) => ({
                  ...req,
                  headers: { ...req.headers, ...opts.sign!(opts.body) },
                }),
              }
            : {}),
          onResponse: (status, body) => {
            if (status === 200 && body.includes('"errors"')) bodyErrors++;
          },
        },
      ],
    },
    (err, res) => (err ? fail(err as Error) : done(res)),
  );
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
  });
  const result = await finished;
  const requests = latencies.length;
  return {
    connections: opts.connections,
    requests,
    durationS: round(result.duration, 2),
    requestsPerSecond: round(requests / Math.max(result.duration, 0.001), 1),
    latency: summarize(latencies),
    errors: result.errors + result.timeouts + result.non2xx + bodyErrors,
  };
}
