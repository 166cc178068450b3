/**
 * One load-generator process of a subscriber crowd (ws-subscribers.ts): opens its share of the
 * sockets, records each push's event id and arrival time, and answers the parent's questions
 * over IPC. Times are absolute (`performance.timeOrigin + performance.now()`), so the parent's
 * commit times and these receipts are on one clock.
 *
 * Kept cheap, because it shares the 2 cores with the system it measures: raw `ws` sockets
 * speaking graphql-ws by hand (no graphql-ws client, no keep-alive pings, no per-message
 * compression) and no JSON parsing of pushes: a `next` frame is searched for its
 * `"eventId":"` bytes, and only frames that carry errors (or are not `next`) are decoded.
 */
import WebSocket from 'ws';

/** What the parent asks; every request carries a `seq` the answer repeats. */
export type CrowdRequest =
  | {
      seq: number;
      type: 'open';
      url: string;
      count: number;
      query: string;
      variables: Record<string, unknown>;
      connectionParams: Record<string, unknown>;
      openConcurrency: number;
    }
  | { seq: number; type: 'live'; probes: string[] }
  | { seq: number; type: 'received' }
  | { seq: number; type: 'latencies'; sent: Map<string, number> }
  | { seq: number; type: 'close' };

export interface CrowdAnswer {
  seq: number;
  /** `live`: subscribers with a probe; `received`: pushes so far. */
  value?: number;
  /** `latencies`: receipt − sent of every push of a sent event (ms). */
  latencies?: Float64Array;
  errors?: string[];
  closedByServer?: number;
  failure?: string;
}

const EVENT_ID = Buffer.from('"eventId":"');
const NEXT = Buffer.from('"type":"next"');
const ERRORS = Buffer.from('"errors":');
const QUOTE = 0x22;

const now = (): number => performance.timeOrigin + performance.now();

let receipts: { ids: string[]; at: number[] }[] = [];
const sockets: WebSocket[] = [];
const errors: string[] = [];
let closedByServer = 0;
let closing = false;
let total = 0;

function note(m: string): void {
  if (errors.length < 50) errors.push(m);
}

function openOne(i: number, url: string, subscribe: string, params: string): Promise<void> {
  return new Promise<void>((resolve) => {
    let settled = false;
    const done = (): void => {
      if (!settled) {
        settled = true;
        resolve();
      }
    };
    const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
    sockets.push(ws);
    const mine = receipts[i]!;
    ws.on('open', () => ws.send(params));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const at = now();
      if (!isBinary && data.indexOf(NEXT) >= 0 && data.indexOf(ERRORS) < 0) {
        const start = data.indexOf(EVENT_ID);
        if (start >= 0) {
          const from = start + EVENT_ID.length;
          mine.ids.push(data.toString('latin1', from, data.indexOf(QUOTE, from)));
          mine.at.push(at);
          total++;
          return;
        }
      }
      let msg: { type?: string; payload?: unknown };
      try {
        msg = JSON.parse(data.toString('utf8')) as typeof msg;
      } catch {
        note(`subscriber ${i}: unreadable message`);
        return;
      }
      if (msg.type === 'connection_ack') {
        ws.send(subscribe);
        done();
      } else if (msg.type === 'ping') ws.send('{"type":"pong"}');
      else if (msg.type === 'next' || msg.type === 'error') {
        const errs = (msg.type === 'next' ? (msg.payload as { errors?: unknown[] })?.errors : msg.payload) as
          { message?: string }[] | undefined;
        note(`subscriber ${i}: ${(errs ?? []).map((e) => e.message).join('; ') || 'a push without data'}`);
      }
    });
    ws.on('close', (code, reason) => {
      if (!closing) {
        closedByServer++;
        if (code !== 1000) note(`subscriber ${i} closed: ${code} ${reason.toString()}`.trim());
      }
      done();
    });
    ws.on('error', (e) => {
      note(`subscriber ${i}: ${e.message}`);
      done();
    });
  });
}

async function handle(req: CrowdRequest): Promise<CrowdAnswer> {
  switch (req.type) {
    case 'open': {
      receipts = Array.from({ length: req.count }, () => ({ ids: [], at: [] }));
      const subscribe = JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: req.query, variables: req.variables },
      });
      const params = JSON.stringify({ type: 'connection_init', payload: req.connectionParams });
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < req.count) await openOne(next++, req.url, subscribe, params);
      };
      await Promise.all(Array.from({ length: Math.min(req.openConcurrency, req.count) }, worker));
      return { seq: req.seq, errors };
    }
    case 'live': {
      const probes = new Set(req.probes);
      return { seq: req.seq, value: receipts.filter((r) => r.ids.some((id) => probes.has(id))).length };
    }
    case 'received':
      return { seq: req.seq, value: total };
    case 'latencies': {
      const out: number[] = [];
      for (const r of receipts)
        for (let k = 0; k < r.ids.length; k++) {
          const sent = req.sent.get(r.ids[k]!);
          if (sent !== undefined) out.push(r.at[k]! - sent);
        }
      return { seq: req.seq, latencies: Float64Array.from(out), errors, closedByServer };
    }
    case 'close':
      closing = true;
      await Promise.all(
        sockets.map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === WebSocket.CLOSED) return resolve();
              ws.once('close', () => resolve());
              ws.close(1000);
              // A socket the server does not answer is torn down rather than waited for.
              setTimeout(() => (ws.terminate(), resolve()), 5000).unref();
            }),
        ),
      );
      return { seq: req.seq, errors, closedByServer };
  }
}

process.on('message', (req: CrowdRequest) => {
  handle(req).then(
    (answer) => process.send!(answer),
    (err: unknown) => process.send!({ seq: req.seq, failure: (err as Error)?.message ?? String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
