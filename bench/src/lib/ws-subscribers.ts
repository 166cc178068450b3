import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** One received push: which event it carried and when it arrived (performance.now()). */
export interface Receipt {
  eventId: string;
  at: number;
}

/** A crowd of graphql-ws clients, one WebSocket each, all running the same subscription. */
export interface SubscriberCrowd {
  receipts: Receipt[][];
  errors: string[];
  /** Pushes received per subscriber whose event id is in `ids`. */
  close(): Promise<void>;
}

export interface CrowdOptions {
  url: string;
  count: number;
  query: string;
  variables?: Record<string, unknown>;
  connectionParams: () => Record<string, unknown>;
  /** Reads the event id from a push's data. */
  eventIdOf: (data: Record<string, unknown>) => string | undefined;
  /** Connections opened at once. */
  openConcurrency?: number;
}

/** Opens `count` subscribers; resolves once every socket is acknowledged and subscribed. */
export async function openCrowd(opts: CrowdOptions): Promise<SubscriberCrowd> {
  const receipts: Receipt[][] = Array.from({ length: opts.count }, () => []);
  const errors: string[] = [];
  const clients: Client[] = [];
  const disposers: (() => void)[] = [];
  const wsUrl = opts.url.replace(/^http/, 'ws');
  let next = 0;
  const open = async (): Promise<void> => {
    while (next < opts.count) {
      const i = next++;
      await new Promise<void>((resolve) => {
        let settled = false;
        const done = (): void => {
          if (!settled) {
            settled = true;
            resolve();
          }
        };
        const client = createClient({
          url: wsUrl,
          webSocketImpl: WebSocket,
          connectionParams: opts.connectionParams,
          lazy: false,
          retryAttempts: 0,
          keepAlive: 0,
          on: {
            connected: () => done(),
            closed: (e) => {
              const ev = e as { code?: number; reason?: string };
              if (ev.code !== 1000) errors.push(`subscriber ${i} closed: ${ev.code ?? ''} ${ev.reason ?? ''}`.trim());
              done();
            },
            error: (e) => {
              errors.push(`subscriber ${i}: ${(e as Error).message ?? String(e)}`);
              done();
            },
          },
        });
        clients.push(client);
        disposers.push(
          client.subscribe(
            { query: opts.query, variables: opts.variables },
            {
              next: (msg) => {
                const at = performance.now();
                if (msg.errors?.length) {
                  if (errors.length < 50)
                    errors.push(`subscriber ${i}: ${msg.errors.map((x) => x.message).join('; ')}`);
                  return;
                }
                const id = msg.data ? opts.eventIdOf(msg.data as Record<string, unknown>) : undefined;
                if (id) receipts[i]!.push({ eventId: id, at });
              },
              error: (e) => {
                if (errors.length < 50)
                  errors.push(
                    `subscriber ${i}: ${Array.isArray(e) ? e.map((x) => (x as Error).message).join('; ') : ((e as Error).message ?? String(e))}`,
                  );
              },
              complete: () => undefined,
            },
          ),
        );
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.openConcurrency ?? 100, opts.count) }, open));
  return {
    receipts,
    errors,
    async close() {
      for (const d of disposers) d();
      await Promise.all(clients.map((c) => c.dispose()));
    },
  };
}
