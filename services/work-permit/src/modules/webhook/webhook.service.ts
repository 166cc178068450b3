import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  assertCan,
  assertNoProblems,
  ConflictError,
  decodeCursor,
  encodeCursor,
  ForbiddenError,
  isUniqueViolation,
  NotFoundError,
  pageSize,
  type Actor,
  isUuid,
} from '@onestop/common';
import type { WebhookConfig } from '../../config.js';
import { AGENCY_EVENT_TYPES, isAgencyEventType } from './agency-events.js';
import { urlProblems, type AddressPolicy } from './webhook-address-policy.js';
import type { AttemptRow, DeliveryRow, EndpointRow, NotificationRow, WebhookStore } from './webhook.store.js';

/** At most this many endpoints per agency. */
export const MAX_ENDPOINTS_PER_AGENCY = 20;
const DELIVERY_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'];

export interface EndpointInput {
  url: string;
  eventTypes?: string[] | null;
  description?: string | null;
}

export interface EndpointUpdate {
  url?: string | null;
  eventTypes?: string[] | null;
  description?: string | null;
  enabled?: boolean | null;
}

/** A new signing secret: `whsec_` and 24 random bytes in base64 (the Standard Webhooks form). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * A partner agency's webhook endpoints, deliveries and notifications. Every method acts for
 * the actor's own agency only: another agency's endpoint or delivery is NOT_FOUND.
 */
export class WebhookService {
  private readonly policy: AddressPolicy;

  constructor(
    private readonly ds: DataSource,
    private readonly store: WebhookStore,
    private readonly config: WebhookConfig,
  ) {
    this.policy = { requireHttps: config.requireHttps, allowedHosts: config.allowedHosts };
  }

  async endpoints(actor: Actor | null): Promise<EndpointRow[]> {
    const agencyId = await this.agencyOf(actor);
    return this.store.endpoints(agencyId);
  }

  async register(actor: Actor | null, input: EndpointInput): Promise<EndpointRow> {
    const agencyId = await this.agencyOf(actor);
    const { url, eventTypes, description } = this.validate(input);
    const id = await this.ds.transaction(async (tx) => {
      // Serialises one agency's registrations so the cap holds under concurrent requests.
      await tx.query('SELECT id FROM wp.agency WHERE id = $1 FOR UPDATE', [agencyId]);
      if ((await this.store.endpointCount(tx, agencyId)) >= MAX_ENDPOINTS_PER_AGENCY) {
        throw new ConflictError(
          `Your agency already has ${MAX_ENDPOINTS_PER_AGENCY} webhook endpoints; delete one first.`,
        );
      }
      return this.store.insertEndpoint(tx, {
        id: randomUUID(),
        agencyId,
        url,
        description,
        eventTypes,
        secret: newWebhookSecret(),
      });
    });
    if (!id) {
      const existing = await this.store.endpointIdByUrl(agencyId, url);
      throw new ConflictError(`Your agency already has webhook endpoint ${existing} for ${url}.`, {
        endpointId: existing,
      });
    }
    return (await this.store.endpoint(agencyId, id))!;
  }

  async update(actor: Actor | null, id: string, patch: EndpointUpdate): Promise<EndpointRow> {
    const agencyId = await this.agencyOf(actor);
    const current = await this.ownEndpoint(agencyId, id);
    const next = this.validate({
      url: patch.url ?? current.url,
      eventTypes: patch.eventTypes === undefined || patch.eventTypes === null ? current.eventTypes : patch.eventTypes,
      description: patch.description === undefined ? current.description : patch.description,
    });
    try {
      await this.ds.transaction((tx) =>
        this.store.updateEndpoint(tx, id, { ...next, enabled: patch.enabled ?? current.enabled }),
      );
    } catch (err) {
      if (isUniqueViolation(err, 'UQ_webhook_endpoint_agency_url'))
        throw new ConflictError(`Your agency already has another webhook endpoint for ${next.url}.`);
      throw err;
    }
    return (await this.store.endpoint(agencyId, id))!;
  }

  /** A new secret; the previous one keeps signing (a second signature) for the configured grace period. */
  async rotateSecret(actor: Actor | null, id: string): Promise<EndpointRow> {
    const agencyId = await this.agencyOf(actor);
    await this.ownEndpoint(agencyId, id);
    await this.ds.transaction((tx) => this.store.rotateSecret(tx, id, newWebhookSecret(), this.config.secretGraceMs));
    return (await this.store.endpoint(agencyId, id))!;
  }

  async delete(actor: Actor | null, id: string): Promise<boolean> {
    const agencyId = await this.agencyOf(actor);
    await this.ownEndpoint(agencyId, id);
    await this.ds.transaction((tx) => this.store.deleteEndpoint(tx, id));
    return true;
  }

  async deliveries(
    actor: Actor | null,
    filter: { endpointId?: string | null; status?: string | null; caseId?: string | null },
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<{ nodes: DeliveryRow[]; endCursor: string | null; hasNextPage: boolean }> {
    const agencyId = await this.agencyOf(actor);
    const problems: string[] = [];
    const size = pageSize(first, problems);
    const cursor = decodeCursor(after, 2, problems);
    if (filter.endpointId && !isUuid(filter.endpointId)) problems.push('endpointId: not a webhook endpoint id');
    if (filter.caseId && !isUuid(filter.caseId)) problems.push('caseId: not a case id');
    if (filter.status && !DELIVERY_STATUSES.includes(filter.status))
      problems.push(`status: one of ${DELIVERY_STATUSES.join(', ')}`);
    assertNoProblems('Cannot list webhook deliveries', problems);
    const rows = await this.store.deliveries(
      agencyId,
      filter,
      size + 1,
      cursor ? { eventId: cursor[0]!, id: cursor[1]! } : null,
    );
    const nodes = rows.slice(0, size);
    const last = nodes[nodes.length - 1];
    return { nodes, hasNextPage: rows.length > size, endCursor: last ? encodeCursor([last.eventId, last.id]) : null };
  }

  async delivery(actor: Actor | null, id: string): Promise<DeliveryRow> {
    const agencyId = await this.agencyOf(actor);
    const d = await this.store.delivery(agencyId, id);
    if (!d) throw new NotFoundError('Webhook delivery', id);
    return d;
  }

  attempts(ids: readonly string[]): Promise<Map<string, AttemptRow[]>> {
    return this.store.attempts(ids);
  }

  /** Sends a delivery again, with the same `webhook-id`, now and with a fresh retry schedule. */
  async redeliver(actor: Actor | null, id: string): Promise<DeliveryRow> {
    const agencyId = await this.agencyOf(actor);
    await this.delivery(actor, id);
    const done = await this.ds.transaction((tx) => this.store.redeliver(tx, id));
    if (!done) throw new ConflictError(`Webhook delivery ${id} is being sent right now; ask again in a moment.`);
    return (await this.store.delivery(agencyId, id))!;
  }

  async notifications(actor: Actor | null, first: number | null | undefined): Promise<NotificationRow[]> {
    const agencyId = await this.agencyOf(actor);
    const problems: string[] = [];
    const size = pageSize(first, problems);
    assertNoProblems('Cannot list notifications', problems);
    return this.store.notifications(agencyId, size);
  }

  private async agencyOf(actor: Actor | null): Promise<string> {
    assertCan(actor, 'webhook.manage');
    const agencyId = actor.agencyId ?? '';
    if (!isUuid(agencyId) || !(await this.store.agencyExists(agencyId))) {
      throw new ForbiddenError(
        `Agency ${agencyId} is not registered with OneStop; ask the Talents Center to register it.`,
      );
    }
    return agencyId;
  }

  private async ownEndpoint(agencyId: string, id: string): Promise<EndpointRow> {
    const e = isUuid(id) ? await this.store.endpoint(agencyId, id) : null;
    if (!e) throw new NotFoundError('Webhook endpoint', id);
    return e;
  }

  private validate(input: EndpointInput): { url: string; eventTypes: string[]; description: string | null } {
    const url = (input.url ?? '').trim();
    const problems = urlProblems(url, this.policy);
    const eventTypes = [...new Set(input.eventTypes ?? [])];
    for (const t of eventTypes)
      if (!isAgencyEventType(t))
        problems.push(`eventTypes: ${JSON.stringify(t)} is not one of ${AGENCY_EVENT_TYPES.join(', ')}`);
    const description = input.description?.trim() || null;
    if (description && description.length > 200) problems.push('description: at most 200 characters');
    assertNoProblems('The webhook endpoint cannot be saved', problems);
    return { url, eventTypes: eventTypes.sort(), description };
  }
}
