import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { AreaContext } from '../../shared/request-context.js';
import type { AgencyClientService } from './agency-client.service.js';
import { AgencyApiClient, AgencyApiClientCredentials } from './agency-client.type.js';

type AgencyClientContext = AreaContext<{ agencyClients: AgencyClientService }>;

@Resolver(() => AgencyApiClient)
export class AgencyClientResolver {
  @Query(() => [AgencyApiClient], { description: 'MANAGER: an agency’s API clients, revoked ones included.' })
  async agencyApiClients(
    @Arg('agencyId', () => ID) agencyId: string,
    @Ctx() ctx: AgencyClientContext,
  ): Promise<AgencyApiClient[]> {
    assertCan(ctx.actor, 'apiClient.manage');
    return ctx.services.agencyClients.list(ctx.actor, agencyId);
  }

  @Mutation(() => AgencyApiClientCredentials, {
    description:
      'MANAGER: registers an API client for an agency (client credentials); its tokens act for the agency’s employers. Audited.',
  })
  async registerAgencyApiClient(
    @Arg('agencyId', () => ID) agencyId: string,
    @Arg('name', () => String, { nullable: true }) name: string | null,
    @Ctx() ctx: AgencyClientContext,
  ): Promise<AgencyApiClientCredentials> {
    assertCan(ctx.actor, 'apiClient.manage');
    return ctx.services.agencyClients.register(ctx.actor, agencyId, name);
  }

  @Mutation(() => AgencyApiClientCredentials, {
    description: 'MANAGER: gives a client a new secret; the old one stops working at once. Audited.',
  })
  async rotateAgencyApiClientSecret(
    @Arg('clientId', () => ID) clientId: string,
    @Ctx() ctx: AgencyClientContext,
  ): Promise<AgencyApiClientCredentials> {
    assertCan(ctx.actor, 'apiClient.manage');
    return ctx.services.agencyClients.rotate(ctx.actor, clientId);
  }

  @Mutation(() => AgencyApiClient, {
    description:
      'MANAGER: revokes a client: its next token request fails, and tokens it holds expire within 5 minutes. Audited; idempotent.',
  })
  async revokeAgencyApiClient(
    @Arg('clientId', () => ID) clientId: string,
    @Ctx() ctx: AgencyClientContext,
  ): Promise<AgencyApiClient> {
    assertCan(ctx.actor, 'apiClient.manage');
    return ctx.services.agencyClients.revoke(ctx.actor, clientId);
  }
}
