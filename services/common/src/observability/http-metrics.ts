import type { ServerResponse } from 'node:http';
import { LATENCY_BUCKETS, type ProcessMetrics } from './metrics.js';

/**
 * Requests of a process that is not a GraphQL server (the identity provider, the dashboard
 * server), by route class and status code. The caller names the route from a fixed list (never
 * the raw path), so the series stay bounded; status codes are a small set by nature.
 * Returns the function to call as a request starts: it observes the response when it finishes.
 */
export function httpRequestMetrics(metrics: ProcessMetrics): (route: string, res: ServerResponse) => void {
  const requests = metrics.counter({
    name: 'onestop_http_requests_total',
    help: 'HTTP requests answered, by route class and status code.',
    labelNames: ['route', 'code'],
  });
  const duration = metrics.histogram({
    name: 'onestop_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to the end of its response, by route class.',
    labelNames: ['route'],
    buckets: LATENCY_BUCKETS,
  });
  return (route, res) => {
    const end = duration.startTimer({ route });
    res.once('finish', () => {
      end();
      requests.inc({ route, code: String(res.statusCode) });
    });
  };
}
