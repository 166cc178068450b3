import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assertCan, can } from '@onestop/common';
import type DataLoader from 'dataloader';
import type { AreaContext } from '../../shared/request-context.js';
import type { EmployerLoaders } from '../employer/employer.resolver.js';
import type { AgencyService } from './agency.service.js';
import type { EmployerEntity } from '../employer/employer.entity.js';
import { Employer } from '../employer/employer.type.js';
import type { AgencyEntity } from './agency.entity.js';
import { Agency } from './agency.type.js';
import { RegisterAgencyInput } from './dto/agency.input.js';

/** The loaders of the agency area (built per request in context.ts). */
export interface AgencyLoaders {
  employerIdsByAgencyId: DataLoader<string, string[]>;
  /** Not scoped: reached through a scoped case (the agency that filed it). */
  agencyById: DataLoader<string, AgencyEntity | null>;
}
type AgencyContext = AreaContext<{ agencies: AgencyService }, AgencyLoaders & Pick<EmployerLoaders, 'employerById'>>;

@Resolver(() => Agency)
export class AgencyResolver {
  @Query(() => [Agency], { description: 'Registered agencies, by name. An agency sees only itself.' })
  async agencies(@Ctx() ctx: AgencyContext): Promise<AgencyEntity[]> {
    assertCan(ctx.actor, 'employer.read');
    return ctx.services.agencies.list(ctx.actor);
  }

  @Mutation(() => Agency, { description: 'MANAGER: registers an agency and the employers that entrust it.' })
  async registerAgency(
    @Arg('input', () => RegisterAgencyInput) input: RegisterAgencyInput,
    @Ctx() ctx: AgencyContext,
  ): Promise<AgencyEntity> {
    assertCan(ctx.actor, 'employer.manage');
    return ctx.services.agencies.register(ctx.actor, input);
  }

  @FieldResolver(() => [Employer], {
    description: 'The employers that entrust the agency (as far as you may see them).',
  })
  async employers(@Root() a: AgencyEntity, @Ctx() ctx: AgencyContext): Promise<EmployerEntity[]> {
    const ids = (await ctx.loaders.employerIdsByAgencyId.load(a.id)).filter((id) =>
      can(ctx.actor, 'employer.read', { employerId: id }),
    );
    const found = await ctx.loaders.employerById.loadMany(ids);
    return found.filter((e): e is EmployerEntity => !!e && !(e instanceof Error));
  }
}
