import { isUuid } from '@onestop/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { DomainEvent } from '@onestop/common/contract';
import { caseIdOf, toAgencyEventBody } from './agency-events.js';

/** Channel NOTIFYed when deliveries are created or made due again: wakes every dispatcher. */
export const WEBHOOK_CHANNEL = 'onestop_webhooks';

export interface EndpointRow {
  id: string;
  agencyId: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  secret: string;
  enabled: boolean;
  disabledAt: Date | null;
  disabledReason: string | null;
  lastSuccessAt: Date | null;
  previousSecretUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface DeliveryRow {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  caseId: string | null;
  payload: Record<string, unknown>;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastResponseCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export interface AttemptRow {
  deliveryId: string;
  attempt: number;
  attemptedAt: Date;
  responseCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface NotificationRow {
  id: string;
  kind: string;
  endpointId: string | null;
  message: string;
  createdAt: Date;
}

/** What one attempt came to (as the sender reports it). */
export interface AttemptResultRow {
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** A delivery a dispatcher has leased, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  body: string;
  url: string;
  secrets: string[];
  leaseToken: string;
}

const ENDPOINT_COLUMNS = `id, agency_id AS "agencyId", url, description, event_types AS "eventTypes", secret, enabled,
  disabled_at AS "disabledAt", disabled_reason AS "disabledReason", last_success_at AS "lastSuccessAt",
  previous_secret_until AS "previousSecretUntil", created_at AS "createdAt", updated_at AS "updatedAt"`;

const DELIVERY_COLUMNS = `id, endpoint_id AS "endpointId", event_id::text AS "eventId", event_type AS "eventType",
  case_id AS "caseId", payload, status, attempts, CASE WHEN status = 'PENDING' THEN next_attempt_at END AS "nextAttemptAt",
  last_attempt_at AS "lastAttemptAt", last_response_code AS "lastResponseCode", last_error AS "lastError",
  delivered_at AS "deliveredAt", created_at AS "createdAt"`;

/**
 * The SQL of partner webhooks. Lock order, everywhere: delivery rows (by id), then endpoint
 * rows (by id) — recording attempts; deleting an endpoint locks its deliveries first, then the
 * endpoint. Nothing locks an endpoint and then one of its deliveries, so these never deadlock.
 * Delivery timing (`next_attempt_at`, leases, attempts) is the database's wall clock, `now()`.
 */
export class WebhookStore {
  constructor(private readonly ds: DataSource) {}

  async agencyExists(agencyId: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query('SELECT 1 FROM wp.agency WHERE id = $1', [agencyId]);
    return rows.length > 0;
  }

  async endpoints(agencyId: string): Promise<EndpointRow[]> {
    return this.ds.query(
      `SELECT ${ENDPOINT_COLUMNS} FROM wp.webhook_endpoint WHERE agency_id = $1 ORDER BY created_at, id`,
      [agencyId],
    );
  }

  async endpointCount(tx: EntityManager, agencyId: string): Promise<number> {
    const rows: { n: number }[] = await tx.query(
      'SELECT count(*)::int AS n FROM wp.webhook_endpoint WHERE agency_id = $1',
      [agencyId],
    );
    return rows[0]!.n;
  }

  async endpoint(agencyId: string, id: string, tx: EntityManager | DataSource = this.ds): Promise<EndpointRow | null> {
    const rows: EndpointRow[] = await tx.query(
      `SELECT ${ENDPOINT_COLUMNS} FROM wp.webhook_endpoint WHERE id = $1 AND agency_id = $2`,
      [id, agencyId],
    );
    return rows[0] ?? null;
  }

  /** Inserts an endpoint; null when the agency already has one with this URL. */
  async insertEndpoint(
    tx: EntityManager,
    e: { id: string; agencyId: string; url: string; description: string | null; eventTypes: string[]; secret: string },
  ): Promise<string | null> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO wp.webhook_endpoint (id, agency_id, url, description, event_types, secret)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (agency_id, url) DO NOTHING RETURNING id`,
      [e.id, e.agencyId, e.url, e.description, e.eventTypes, e.secret],
    );
    return rows[0]?.id ?? null;
  }

  async endpointIdByUrl(agencyId: string, url: string): Promise<string | null> {
    const rows: { id: string }[] = await this.ds.query(
      'SELECT id FROM wp.webhook_endpoint WHERE agency_id = $1 AND url = $2',
      [agencyId, url],
    );
    return rows[0]?.id ?? null;
  }

  async updateEndpoint(
    tx: EntityManager,
    id: string,
    e: { url: string; description: string | null; eventTypes: string[]; enabled: boolean },
  ): Promise<void> {
    await tx.query(
      `UPDATE wp.webhook_endpoint SET url = $2, description = $3, event_types = $4, enabled = $5,
         disabled_at = CASE WHEN $5 THEN NULL ELSE coalesce(disabled_at, now()) END,
         disabled_reason = CASE WHEN $5 THEN NULL ELSE coalesce(disabled_reason, 'disabled by the agency') END,
         updated_at = now()
       WHERE id = $1`,
      [id, e.url, e.description, e.eventTypes, e.enabled],
    );
    // Held deliveries of an endpoint enabled again are due now.
    if (e.enabled) await tx.query(`SELECT pg_notify('${WEBHOOK_CHANNEL}', '')`);
  }

  async rotateSecret(tx: EntityManager, id: string, secret: string, graceMs: number): Promise<void> {
    await tx.query(
      `UPDATE wp.webhook_endpoint SET previous_secret = secret, secret = $2,
         previous_secret_until = now() + make_interval(secs => $3::double precision / 1000), updated_at = now()
       WHERE id = $1`,
      [id, secret, graceMs],
    );
  }

  async deleteEndpoint(tx: EntityManager, id: string): Promise<void> {
    await tx.query('SELECT id FROM wp.webhook_delivery WHERE endpoint_id = $1 ORDER BY id FOR UPDATE', [id]);
    await tx.query('DELETE FROM wp.webhook_endpoint WHERE id = $1', [id]);
  }

  /**
   * The fan-out (in the consumer's transaction): one PENDING delivery per endpoint of every
   * agency the event's employer entrusts that wants this type. Disabled endpoints get one too,
   * held until they are enabled again, so nothing is lost while an agency mends its receiver.
   * @returns how many deliveries were created
   */
  async fanOut(tx: EntityManager, event: DomainEvent): Promise<number> {
    if (!event.employerId) return 0;
    const endpoints: { id: string; agencyId: string }[] = await tx.query(
      `SELECT e.id, e.agency_id AS "agencyId" FROM wp.webhook_endpoint e
       JOIN wp.agency_employer ae ON ae.agency_id = e.agency_id AND ae.employer_id = $1
       WHERE cardinality(e.event_types) = 0 OR $2 = ANY (e.event_types)`,
      [event.employerId, event.type],
    );
    if (!endpoints.length) return 0;
    const caseId = caseIdOf(event);
    const uuid = isUuid(caseId) ? caseId : null;
    const refs: { reference: string }[] = uuid
      ? await tx.query('SELECT reference FROM wp."case" WHERE id = $1', [uuid])
      : [];
    const body = JSON.stringify(toAgencyEventBody(event, refs[0]?.reference ?? null));
    const inserted: unknown[] = await tx.query(
      `INSERT INTO wp.webhook_delivery (id, endpoint_id, agency_id, event_id, event_type, case_id, payload, event_recorded_at)
       SELECT 'msg_' || replace(gen_random_uuid()::text, '-', ''), x.endpoint_id, x.agency_id, $3, $4, $5, $6::jsonb, $7
       FROM unnest($1::uuid[], $2::uuid[]) AS x (endpoint_id, agency_id)
       ON CONFLICT (endpoint_id, event_id) DO NOTHING RETURNING 1`,
      [
        endpoints.map((e) => e.id),
        endpoints.map((e) => e.agencyId),
        event.id,
        event.type,
        uuid,
        body,
        event.recordedAt,
      ],
    );
    if (inserted.length) await tx.query(`SELECT pg_notify('${WEBHOOK_CHANNEL}', '')`);
    return inserted.length;
  }

  /**
   * Leases up to `limit` due deliveries of enabled endpoints to this dispatcher. `SKIP LOCKED`
   * lets several instances claim at once without waiting for or taking each other's rows; the
   * lease (`lease_until`) keeps a claimed delivery away from the others until this one records
   * its attempt, or, if it dies, until the lease runs out (then it is sent again: at-least-once).
   */
  async claimDue(limit: number, leaseMs: number, leaseToken: string): Promise<ClaimedDelivery[]> {
    return this.ds.query(
      `WITH due AS (
         SELECT d.id FROM wp.webhook_delivery d
         JOIN wp.webhook_endpoint e ON e.id = d.endpoint_id AND e.enabled
         WHERE d.status = 'PENDING' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
         ORDER BY d.next_attempt_at
         LIMIT $1
         FOR UPDATE OF d SKIP LOCKED
       ), leased AS (
       UPDATE wp.webhook_delivery d
       SET lease_until = now() + make_interval(secs => $2::double precision / 1000), lease_token = $3
       FROM due, wp.webhook_endpoint e
       WHERE d.id = due.id AND e.id = d.endpoint_id
       RETURNING d.id, d.endpoint_id AS "endpointId", d.payload::text AS body, e.url, d.lease_token AS "leaseToken",
         array_remove(ARRAY[e.secret, CASE WHEN e.previous_secret_until > now() THEN e.previous_secret END], NULL) AS secrets
       )
       SELECT * FROM leased`,
      [limit, leaseMs, leaseToken],
    );
  }

  /**
   * When the earliest PENDING delivery of an enabled endpoint that nobody holds falls due, in ms
   * from now (null: none). Reads one row of the due index, for an idle dispatcher's sleep.
   */
  async nextDueInMs(): Promise<number | null> {
    const rows: { ms: number }[] = await this.ds.query(
      `SELECT (extract(epoch FROM d.next_attempt_at - now()) * 1000)::float8 AS ms
       FROM wp.webhook_delivery d JOIN wp.webhook_endpoint e ON e.id = d.endpoint_id AND e.enabled
       WHERE d.status = 'PENDING' AND (d.lease_until IS NULL OR d.lease_until < now())
       ORDER BY d.next_attempt_at LIMIT 1`,
    );
    return rows[0]?.ms ?? null;
  }

  /**
   * Records attempts of leased deliveries, many in one transaction (one commit for a batch:
   * under load the dispatcher hands over whatever finished meanwhile). Success: SUCCEEDED.
   * Failure: the next wait of the schedule, or, past its end, FAILED, and the endpoint disabled
   * (with a notification to its agency) unless something reached it since that delivery was
   * created. A delivery whose lease is no longer this one's (it ran out and another dispatcher
   * took it, or the endpoint was deleted) is skipped.
   * Locks: the deliveries (by id), then their endpoints (by id): the store's one lock order.
   * @returns per delivery id: recorded, disabled (this attempt disabled its endpoint) or lease-lost
   */
  async recordAttempts(
    batch: readonly { claim: ClaimedDelivery; result: AttemptResultRow }[],
    scheduleMs: readonly number[],
  ): Promise<Map<string, 'recorded' | 'disabled' | 'lease-lost'>> {
    const out = new Map<string, 'recorded' | 'disabled' | 'lease-lost'>(batch.map((b) => [b.claim.id, 'lease-lost']));
    if (!batch.length) return out;
    await this.ds.transaction(async (tx) => {
      const rows: { id: string; attempts: number; roundAttempts: number; leaseToken: string | null }[] = await tx.query(
        `SELECT id, attempts, round_attempts AS "roundAttempts", lease_token AS "leaseToken"
         FROM wp.webhook_delivery WHERE id = ANY ($1) ORDER BY id FOR UPDATE`,
        [batch.map((b) => b.claim.id)],
      );
      const current = new Map(rows.map((r) => [r.id, r]));
      const mine = batch.filter((b) => current.get(b.claim.id)?.leaseToken === b.claim.leaseToken);
      if (!mine.length) return;
      const attempt = (b: (typeof mine)[number]): number => current.get(b.claim.id)!.attempts + 1;
      const round = (b: (typeof mine)[number]): number => current.get(b.claim.id)!.roundAttempts + 1;
      const error = (b: (typeof mine)[number]): string | null => b.result.error?.slice(0, 500) ?? null;
      await tx.query(
        `INSERT INTO wp.webhook_attempt (delivery_id, attempt, attempted_at, response_code, error, duration_ms)
         SELECT x.id, x.attempt, now(), x.code, x.error, x.ms
         FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::int[]) AS x (id, attempt, code, error, ms)`,
        [
          mine.map((b) => b.claim.id),
          mine.map(attempt),
          mine.map((b) => b.result.status),
          mine.map(error),
          mine.map((b) => b.result.durationMs),
        ],
      );
      const ok = mine.filter((b) => b.result.ok);
      const exhausted = mine.filter((b) => !b.result.ok && round(b) > scheduleMs.length);
      // One statement per outcome: the new status, and for a retry the wait before the next attempt.
      await tx.query(
        `UPDATE wp.webhook_delivery d
         SET attempts = x.attempt, round_attempts = x.round, last_attempt_at = now(), last_response_code = x.code,
             last_error = x.error, lease_until = NULL, lease_token = NULL, status = x.status,
             delivered_at = CASE WHEN x.status = 'SUCCEEDED' THEN now() ELSE d.delivered_at END,
             next_attempt_at = CASE WHEN x.status = 'PENDING'
               THEN now() + make_interval(secs => x.wait_ms::double precision / 1000) ELSE d.next_attempt_at END
         FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::int[])
           AS x (id, attempt, round, code, error, status, wait_ms)
         WHERE d.id = x.id`,
        [
          mine.map((b) => b.claim.id),
          mine.map(attempt),
          mine.map(round),
          mine.map((b) => b.result.status),
          mine.map(error),
          mine.map((b) => (b.result.ok ? 'SUCCEEDED' : round(b) <= scheduleMs.length ? 'PENDING' : 'FAILED')),
          mine.map((b) => (!b.result.ok && round(b) <= scheduleMs.length ? scheduleMs[round(b) - 1]! : 0)),
        ],
      );
      for (const b of mine) out.set(b.claim.id, 'recorded');
      const endpointIds = [...new Set([...ok, ...exhausted].map((b) => b.claim.endpointId))].sort();
      if (!endpointIds.length) return;
      await tx.query('SELECT id FROM wp.webhook_endpoint WHERE id = ANY ($1) ORDER BY id FOR NO KEY UPDATE', [
        endpointIds,
      ]);
      if (ok.length) {
        await tx.query('UPDATE wp.webhook_endpoint SET last_success_at = now() WHERE id = ANY ($1)', [
          [...new Set(ok.map((b) => b.claim.endpointId))],
        ]);
      }
      for (const b of exhausted) {
        const why = `every attempt failed for ${describeWindow(scheduleMs)} (delivery ${b.claim.id}, last: ${b.result.error ?? b.result.status})`;
        // (A WITH … SELECT: TypeORM answers a bare UPDATE … RETURNING with [rows, count].)
        const disabled: { agencyId: string; url: string }[] = await tx.query(
          `WITH disabled AS (
             UPDATE wp.webhook_endpoint e SET enabled = false, disabled_at = now(), updated_at = now(), disabled_reason = $2
             FROM wp.webhook_delivery d
             WHERE e.id = $1 AND d.id = $3 AND e.enabled AND (e.last_success_at IS NULL OR e.last_success_at < d.created_at)
             RETURNING e.agency_id, e.url
           )
           SELECT agency_id AS "agencyId", url FROM disabled`,
          [b.claim.endpointId, why, b.claim.id],
        );
        if (!disabled[0]) continue;
        out.set(b.claim.id, 'disabled');
        await tx.query(
          `INSERT INTO wp.agency_notification (id, agency_id, kind, endpoint_id, message)
           VALUES (gen_random_uuid(), $1, 'WEBHOOK_ENDPOINT_DISABLED', $2, $3)`,
          [
            disabled[0].agencyId,
            b.claim.endpointId,
            `Webhook endpoint ${disabled[0].url} was disabled: delivery ${b.claim.id} failed on every attempt for ${describeWindow(scheduleMs)} (last: ${b.result.error ?? b.result.status}). Mend the receiver, then enable the endpoint (updateWebhookEndpoint with enabled: true): held deliveries are sent then, and failed ones can be redelivered.`,
          ],
        );
      }
    });
    return out;
  }

  async deliveries(
    agencyId: string,
    f: { endpointId?: string | null; status?: string | null; caseId?: string | null },
    first: number,
    after: { eventId: string; id: string } | null,
  ): Promise<DeliveryRow[]> {
    return this.ds.query(
      `SELECT ${DELIVERY_COLUMNS} FROM wp.webhook_delivery
       WHERE agency_id = $1 AND ($2::uuid IS NULL OR endpoint_id = $2) AND ($3::text IS NULL OR status = $3)
         AND ($4::uuid IS NULL OR case_id = $4)
         AND ($5::bigint IS NULL OR (event_id, id) < ($5::bigint, $6::text))
       ORDER BY event_id DESC, id DESC LIMIT $7`,
      [
        agencyId,
        f.endpointId ?? null,
        f.status ?? null,
        f.caseId ?? null,
        after?.eventId ?? null,
        after?.id ?? null,
        first,
      ],
    );
  }

  async delivery(agencyId: string, id: string): Promise<DeliveryRow | null> {
    const rows: DeliveryRow[] = await this.ds.query(
      `SELECT ${DELIVERY_COLUMNS} FROM wp.webhook_delivery WHERE id = $1 AND agency_id = $2`,
      [id, agencyId],
    );
    return rows[0] ?? null;
  }

  async attempts(deliveryIds: readonly string[]): Promise<Map<string, AttemptRow[]>> {
    const out = new Map<string, AttemptRow[]>(deliveryIds.map((id) => [id, []]));
    const rows: AttemptRow[] = await this.ds.query(
      `SELECT delivery_id AS "deliveryId", attempt, attempted_at AS "attemptedAt", response_code AS "responseCode", error,
              duration_ms AS "durationMs"
       FROM wp.webhook_attempt WHERE delivery_id = ANY ($1) ORDER BY delivery_id, attempt`,
      [[...deliveryIds]],
    );
    for (const r of rows) out.get(r.deliveryId)?.push(r);
    return out;
  }

  /**
   * Makes a delivery due now with a fresh schedule (same `webhook-id`). A delivery being sent
   * right now (leased) is left alone: the caller answers CONFLICT.
   * @returns false when it is in flight
   */
  async redeliver(tx: EntityManager, id: string): Promise<boolean> {
    const rows: { inFlight: boolean }[] = await tx.query(
      `SELECT lease_until IS NOT NULL AND lease_until > now() AS "inFlight" FROM wp.webhook_delivery WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (rows[0]?.inFlight) return false;
    await tx.query(
      `UPDATE wp.webhook_delivery SET status = 'PENDING', round_attempts = 0, next_attempt_at = now(), delivered_at = NULL,
         lease_until = NULL, lease_token = NULL WHERE id = $1`,
      [id],
    );
    await tx.query(`SELECT pg_notify('${WEBHOOK_CHANNEL}', '')`);
    return true;
  }

  async notifications(agencyId: string, first: number): Promise<NotificationRow[]> {
    return this.ds.query(
      `SELECT id, kind, endpoint_id AS "endpointId", message, created_at AS "createdAt"
       FROM wp.agency_notification WHERE agency_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [agencyId, first],
    );
  }
}

function describeWindow(scheduleMs: readonly number[]): string {
  const total = scheduleMs.reduce((a, b) => a + b, 0);
  if (total >= 3600_000) return `${Math.round((total / 3600_000) * 10) / 10} hours`;
  if (total >= 60_000) return `${Math.round(total / 60_000)} minutes`;
  return `${Math.round(total / 1000)} seconds`;
}
