import pg from 'pg';
import type { Logger } from '../logger.js';

/**
 * One dedicated connection that LISTENs on a set of channels and survives a dropped
 * connection: it reconnects with back-off and then calls `onReconnect`, so a consumer can
 * catch up on anything NOTIFYed while it was away (notifications are not queued for it).
 * One connection attempt runs at a time; `listen` during a reconnect waits for it.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private closed = false;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private readonly reconnectHandlers = new Set<() => void>();
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  /** Calls `handler` with each payload NOTIFYed on `channel`; returns an unsubscribe function. */
  async listen(channel: string, handler: (payload: string) => void): Promise<() => void> {
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    if (!this.client) await this.startConnecting(false);
    // A fresh connection LISTENs on every known channel; an existing one needs this one added.
    else if (set.size === 1) await this.client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    return () => {
      set.delete(handler);
      if (set.size === 0 && this.handlers.get(channel) === set) {
        this.handlers.delete(channel);
        this.client?.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
      }
    };
  }

  /** Called after each reconnect (not the first connect). */
  onReconnect(handler: () => void): () => void {
    this.reconnectHandlers.add(handler);
    return () => this.reconnectHandlers.delete(handler);
  }

  private startConnecting(isReconnect: boolean): Promise<void> {
    this.connecting ??= this.connect(isReconnect).finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(isReconnect: boolean): Promise<void> {
    let delay = 100;
    while (!this.closed) {
      const client = new pg.Client({ connectionString: this.url, application_name: 'onestop-listener' });
      client.on('error', (err) => {
        this.logger.warn({ err: err.message }, 'listener connection lost; reconnecting');
        this.dropped(client);
      });
      client.on('end', () => this.dropped(client));
      client.on('notification', (n) => {
        for (const h of this.handlers.get(n.channel) ?? []) h(n.payload ?? '');
      });
      try {
        await client.connect();
        for (const channel of this.handlers.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        if (this.closed) {
          await endQuietly(client);
          return;
        }
        this.client = client;
        if (isReconnect) for (const h of this.reconnectHandlers) h();
        return;
      } catch (err) {
        await endQuietly(client);
        if (!isReconnect) throw err;
        this.logger.warn({ err: (err as Error).message, delayMs: delay }, 'listener reconnect failed; retrying');
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 2000);
      }
    }
  }

  private dropped(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.closed) return;
    void this.startConnecting(true).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = undefined;
    if (c) await endQuietly(c);
    await this.connecting?.catch(() => undefined);
  }
}

async function endQuietly(client: pg.Client): Promise<void> {
  client.removeAllListeners('end');
  client.on('error', () => undefined);
  await client.end().catch(() => undefined);
}
