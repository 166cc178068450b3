import { randomUUID } from 'node:crypto';
import type { Logger, PgListener } from '@onestop/common';
import type { WebhookConfig } from '../../config.js';
import type { AttemptResult, WebhookSender } from './webhook-sender.js';
import { WEBHOOK_CHANNEL, type ClaimedDelivery, type WebhookStore } from './webhook.store.js';

/** Attempts recorded per transaction at most. */
const RECORD_BATCH = 200;

interface Finished {
  claim: ClaimedDelivery;
  result: AttemptResult;
  done: () => void;
}

/**
 * Sends due deliveries: leases a batch (`FOR UPDATE SKIP LOCKED`, so instances never take the
 * same row), sends each with at most `concurrency` in flight, records the attempts in
 * short transactions (attempts that finish while one is being recorded share the next one, so
 * under load a commit covers many). No transaction is open while a request is on the wire. Woken by NOTIFY
 * when deliveries are created or made due, by its own completions, and by a timer for the
 * next retry (at most `pollIntervalMs` apart).
 */
export class WebhookDispatcher {
  private running = false;
  private loop: Promise<void> | undefined;
  private inFlight = new Set<Promise<void>>();
  private wake: (() => void) | undefined;
  private woken = false;
  private unlisten: (() => void) | undefined;
  private finished: Finished[] = [];
  private recording = false;

  constructor(
    private readonly store: WebhookStore,
    private readonly sender: WebhookSender,
    private readonly listener: PgListener,
    private readonly config: WebhookConfig,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unlisten = await this.listener.listen(WEBHOOK_CHANNEL, () => this.poke());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unlisten?.();
    this.poke();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    this.sender.close();
  }

  private poke(): void {
    this.woken = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    // Lease: the attempt's own limit plus room to record it; after that another instance may retry it.
    const leaseMs = this.config.timeoutMs + 30_000;
    let failures = 0;
    while (this.running) {
      this.woken = false;
      const free = this.config.concurrency - this.inFlight.size;
      let claimed: ClaimedDelivery[] = [];
      let waitMs = this.config.pollIntervalMs;
      try {
        if (free > 0) claimed = await this.store.claimDue(free, leaseMs, randomUUID());
        // Idle: sleep until the next retry falls due (or a NOTIFY). Busy: completions wake the loop.
        if (!claimed.length && !this.inFlight.size) {
          const next = await this.store.nextDueInMs();
          if (next !== null) waitMs = Math.max(5, Math.min(waitMs, next));
        }
        failures = 0;
      } catch (err) {
        failures++;
        waitMs = Math.min(200 * 2 ** failures, 30_000);
        this.logger.error({ err: (err as Error).message, retryInMs: waitMs }, 'webhook dispatcher could not claim');
      }
      for (const c of claimed) {
        const p = this.deliver(c).finally(() => {
          this.inFlight.delete(p);
          this.poke();
        });
        this.inFlight.add(p);
      }
      if (!this.running) break;
      if (claimed.length && claimed.length === free) continue;
      // After a failed claim only stop() or the back-off ends the wait: a NOTIFY must not make it a hot loop.
      if (this.woken && !failures) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wake = () => {
          if (failures && this.running) return;
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async deliver(c: ClaimedDelivery): Promise<void> {
    const result = await this.sender.send({ id: c.id, url: c.url, secrets: c.secrets, body: c.body });
    // In flight until recorded, so `concurrency` also bounds what waits to be recorded.
    await new Promise<void>((done) => {
      this.finished.push({ claim: c, result, done });
      void this.record();
    });
  }

  /** Records finished attempts, a batch per transaction, one transaction at a time. */
  private async record(): Promise<void> {
    if (this.recording) return;
    this.recording = true;
    try {
      while (this.finished.length) {
        const batch = this.finished.splice(0, RECORD_BATCH);
        try {
          const outcomes = await this.store.recordAttempts(batch, this.config.retryScheduleMs);
          for (const f of batch) {
            if (!f.result.ok || outcomes.get(f.claim.id) !== 'recorded')
              this.logger.warn(
                {
                  delivery: f.claim.id,
                  endpoint: f.claim.endpointId,
                  status: f.result.status,
                  err: f.result.error,
                  outcome: outcomes.get(f.claim.id),
                },
                f.result.ok ? 'webhook attempt not recorded' : 'webhook attempt failed',
              );
          }
        } catch (err) {
          // The leases run out and these deliveries are sent again: at-least-once.
          this.logger.error({ deliveries: batch.length, err: (err as Error).message }, 'webhook attempts not recorded');
        }
        for (const f of batch) f.done();
      }
    } finally {
      this.recording = false;
    }
  }
}
