import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assertCan, can, NotFoundError } from '@onestop/common';
import type DataLoader from 'dataloader';
import type { AreaContext } from '../../shared/request-context.js';
import type { EmployerService } from './employer.service.js';
import { RegisterEmployerInput } from './dto/employer.input.js';
import type { EmployerHandlerEntity } from './employer-handler.entity.js';
import type { EmployerEntity } from './employer.entity.js';
import { Employer, EmployerHandler } from './employer.type.js';

/** The loaders of the employer area (built per request in context.ts). */
export interface EmployerLoaders {
  /** Not scoped: callers reach employers through something already scoped (a case, the actor's own list). */
  employerById: DataLoader<string, EmployerEntity | null>;
  handlersByEmployerId: DataLoader<string, EmployerHandlerEntity[]>;
}
type EmployerContext = AreaContext<{ employers: EmployerService }, EmployerLoaders>;

@Resolver(() => Employer)
export class EmployerResolver {
  @Query(() => [Employer], {
    description: 'Registered employers, by name. An agency sees only the employers it acts for.',
  })
  async employers(@Ctx() ctx: EmployerContext): Promise<EmployerEntity[]> {
    assertCan(ctx.actor, 'employer.read');
    return ctx.services.employers.list(ctx.actor);
  }

  @Query(() => Employer, {
    nullable: true,
    description: 'One employer. NOT_FOUND when it does not exist or your agency does not act for it.',
  })
  async employer(@Arg('id', () => ID) id: string, @Ctx() ctx: EmployerContext): Promise<EmployerEntity> {
    assertCan(ctx.actor, 'employer.read');
    const e = can(ctx.actor, 'employer.read', { employerId: id }) ? await ctx.loaders.employerById.load(id) : null;
    if (!e) throw new NotFoundError('Employer', id);
    return e;
  }

  @Mutation(() => Employer, { description: 'MANAGER: registers an employer (unique credit code) with its handlers.' })
  async registerEmployer(
    @Arg('input', () => RegisterEmployerInput) input: RegisterEmployerInput,
    @Ctx() ctx: EmployerContext,
  ): Promise<EmployerEntity> {
    assertCan(ctx.actor, 'employer.manage');
    return ctx.services.employers.register(ctx.actor, input);
  }

  @FieldResolver(() => [EmployerHandler], { description: 'Handlers registered in the Service System.' })
  async handlers(@Root() e: EmployerEntity, @Ctx() ctx: EmployerContext): Promise<EmployerHandlerEntity[]> {
    return ctx.loaders.handlersByEmployerId.load(e.id);
  }
}

/** `_entities` for Employer: the same scoping as `Query.employer` (an agency sees only its own). */
export async function resolveEmployerReference(
  ref: { id: string },
  ctx: EmployerContext,
): Promise<EmployerEntity | null> {
  assertCan(ctx.actor, 'employer.read');
  if (!can(ctx.actor, 'employer.read', { employerId: ref.id })) return null;
  return ctx.loaders.employerById.load(ref.id);
}
