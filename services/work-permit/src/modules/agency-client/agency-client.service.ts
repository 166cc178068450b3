import {
  assertCan,
  BadUserInputError,
  NotFoundError,
  ServiceUnavailableError,
  signRequest,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  type Actor,
  type Clock,
  isUuid,
} from '@onestop/common';
import type { DataSource } from 'typeorm';
import { AgencyEmployerEntity } from '../agency/agency-employer.entity.js';
import { AgencyEntity } from '../agency/agency.entity.js';
import type { AgencyApiClient, AgencyApiClientCredentials } from './agency-client.type.js';

/** Where the identity provider administers API clients, and the secret its calls are signed with. */
export interface IdentityAdmin {
  url: string;
  secret: string;
  /** The issuer's token endpoint, told to the agency with its secret. */
  tokenEndpoint: string;
}

interface ClientJson extends Omit<AgencyApiClient, 'createdAt' | 'revokedAt'> {
  createdAt: string;
  revokedAt: string | null;
}

const fromJson = (c: ClientJson): AgencyApiClient => ({
  ...c,
  createdAt: new Date(c.createdAt),
  revokedAt: c.revokedAt ? new Date(c.revokedAt) : null,
});

/**
 * Partner agencies' API clients (decision record 0009): the identity provider keeps them (with
 * the secrets as hashes and the audit trail); OneStop's API decides who may change them (a
 * MANAGER) and which employers a client acts for (the agency's, from work-permit's own tables),
 * and asks the provider over a signed call.
 */
export class AgencyClientService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly admin: IdentityAdmin,
  ) {}

  async list(actor: Actor | null, agencyId: string): Promise<AgencyApiClient[]> {
    assertCan(actor, 'apiClient.manage');
    await this.agency(agencyId);
    const r = await this.call<{ clients: ClientJson[] }>('GET', `/admin/api-clients?agencyId=${agencyId}`, actor);
    return r.clients.map(fromJson);
  }

  async register(actor: Actor | null, agencyId: string, name?: string | null): Promise<AgencyApiClientCredentials> {
    assertCan(actor, 'apiClient.manage');
    const agency = await this.agency(agencyId);
    const clientName = (name ?? '').trim() || agency.name;
    if (clientName.length > 200)
      throw new BadUserInputError('The client’s name is too long.', ['name: at most 200 characters']);
    const employerIds = (
      await this.ds.getRepository(AgencyEmployerEntity).find({ where: { agencyId }, order: { employerId: 'ASC' } })
    ).map((e) => e.employerId);
    const r = await this.call<{ client: ClientJson; secret: string }>('POST', '/admin/api-clients', actor, {
      agencyId,
      name: clientName,
      employerIds,
    });
    return this.credentials(r);
  }

  async rotate(actor: Actor | null, clientId: string): Promise<AgencyApiClientCredentials> {
    assertCan(actor, 'apiClient.manage');
    const r = await this.call<{ client: ClientJson; secret: string }>(
      'POST',
      `/admin/api-clients/${this.id(clientId)}/rotate`,
      actor,
      {},
    );
    return this.credentials(r);
  }

  async revoke(actor: Actor | null, clientId: string): Promise<AgencyApiClient> {
    assertCan(actor, 'apiClient.manage');
    const r = await this.call<{ client: ClientJson }>(
      'POST',
      `/admin/api-clients/${this.id(clientId)}/revoke`,
      actor,
      {},
    );
    return fromJson(r.client);
  }

  private credentials(r: { client: ClientJson; secret: string }): AgencyApiClientCredentials {
    return { client: fromJson(r.client), clientSecret: r.secret, tokenEndpoint: this.admin.tokenEndpoint };
  }

  private id(clientId: string): string {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(clientId)) throw new NotFoundError('API client', clientId);
    return clientId;
  }

  private async agency(agencyId: string): Promise<AgencyEntity> {
    const agency = isUuid(agencyId) ? await this.ds.getRepository(AgencyEntity).findOneBy({ id: agencyId }) : null;
    if (!agency) throw new NotFoundError('Agency', agencyId);
    return agency;
  }

  /** One signed call to the provider's administration; its refusals become the API's errors. */
  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    actor: Actor,
    body?: Record<string, unknown>,
  ): Promise<T> {
    const text =
      method === 'POST'
        ? JSON.stringify({ ...body, actor: { id: actor.id, name: actor.name }, at: this.clock.now().toISOString() })
        : '';
    const timestamp = String(Date.now());
    let res: Response;
    try {
      res = await fetch(new URL(path, this.admin.url), {
        method,
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signRequest(this.admin.secret, {
            method,
            path,
            body: text,
            authorization: '',
            timestamp,
          }),
        },
        body: method === 'POST' ? text : undefined,
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      throw new ServiceUnavailableError(
        'The identity provider cannot be reached to administer API clients; try again shortly.',
      );
    }
    const answer = (await res.json().catch(() => ({}))) as T & { error?: string };
    if (res.status === 404) throw new NotFoundError('API client', path.split('/')[3] ?? '');
    if (!res.ok) throw new ServiceUnavailableError(`The identity provider refused: ${answer.error ?? res.status}.`);
    return answer;
  }
}
