import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assertCan, NotFoundError } from '@onestop/common';
import type { AgencyEntity } from '../agency/agency.entity.js';
import { Agency } from '../agency/agency.type.js';
import { Applicant } from '../applicant/applicant.type.js';
import type DataLoader from 'dataloader';
import type { AreaContext } from '../../shared/request-context.js';
import type { AgencyLoaders } from '../agency/agency.resolver.js';
import type { EmployerLoaders } from '../employer/employer.resolver.js';
import type { CaseFilingService } from './case-filing.service.js';
import type { CaseQueryService } from './case-query.service.js';
import type { CaseTimelineEntity } from './case-timeline.entity.js';
import type { EmployerEntity } from '../employer/employer.entity.js';
import { Employer } from '../employer/employer.type.js';
import { CaseOrderEnum, type CaseOrder } from '../../shared/enums.js';
import { CaseFilter, FileCaseInput, ResubmitCaseInput, WithdrawCaseInput } from './dto/case.input.js';
import type { CaseFilterData } from './case-query.service.js';
import type { CaseEntity } from './case.entity.js';
import {
  Case,
  CaseConnection,
  ReturnNotification,
  RouteDetails,
  TimelineEntry,
  WorkPermitDecision,
} from './case.type.js';

/** The loaders of the case area (built per request in context.ts). */
export interface CaseLoaders {
  /** Scoped to the actor: a case outside it loads as null. */
  caseById: DataLoader<string, CaseEntity | null>;
  /** Scoped to the actor, like caseById. */
  caseByReference: DataLoader<string, CaseEntity | null>;
  timelineByCaseId: DataLoader<string, CaseTimelineEntity[]>;
}
type CaseContext = AreaContext<
  { cases: CaseQueryService; filing: CaseFilingService },
  CaseLoaders & Pick<EmployerLoaders, 'employerById'> & Pick<AgencyLoaders, 'agencyById'>
>;

@Resolver(() => Case)
export class CaseResolver {
  @Query(() => Case, {
    nullable: true,
    description: 'A case by id. NOT_FOUND when it does not exist or is not yours to see.',
  })
  async case(@Arg('id', () => ID) id: string, @Ctx() ctx: CaseContext): Promise<CaseEntity> {
    assertCan(ctx.actor, 'case.read');
    const found = await ctx.loaders.caseById.load(id);
    if (!found) throw new NotFoundError('Case', id);
    return found;
  }

  @Query(() => Case, {
    nullable: true,
    description:
      'A case by its reference (OS-<year>-<6 digits>). NOT_FOUND when it does not exist or is not yours to see.',
  })
  async caseByReference(
    @Arg('reference', () => String) reference: string,
    @Ctx() ctx: CaseContext,
  ): Promise<CaseEntity> {
    assertCan(ctx.actor, 'case.read');
    const found = await ctx.loaders.caseByReference.load(reference);
    if (!found) throw new NotFoundError('Case', reference);
    return found;
  }

  @Query(() => CaseConnection, {
    description:
      'Cases you may see, filtered, in pages (Relay cursors). Sorted by pre-examination due time, then id, unless orderBy says otherwise.',
  })
  async cases(
    @Ctx() ctx: CaseContext,
    @Arg('filter', () => CaseFilter, { nullable: true }) filter?: CaseFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('orderBy', () => CaseOrderEnum, { nullable: true, defaultValue: 'PRE_EXAM_DUE_ASC' })
    orderBy?: CaseOrder | null,
  ): Promise<CaseConnection> {
    assertCan(ctx.actor, 'case.read');
    const f = toFilter(filter);
    const page = await ctx.services.cases.list(ctx.actor, { filter: f, first, after, orderBy });
    for (const c of page.nodes) ctx.loaders.caseById.prime(c.id, c);
    const edges = page.nodes.map((c) => ({ cursor: page.cursorOf(c), node: c }));
    return Object.assign(new CaseConnection(), {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      filter: f,
    });
  }

  @Mutation(() => Case, {
    description: 'AGENCY: files a case for one of your employers. Idempotent per idempotencyKey.',
  })
  async fileCase(
    @Arg('input', () => FileCaseInput) input: FileCaseInput,
    @Ctx() ctx: CaseContext,
  ): Promise<CaseEntity> {
    assertCan(ctx.actor, 'case.file');
    return ctx.services.filing.file(ctx.actor, input);
  }

  @Mutation(() => Case, {
    description: 'AGENCY: resubmits a RETURNED case with corrections; the pre-examination clock restarts.',
  })
  async resubmitCase(
    @Arg('input', () => ResubmitCaseInput) input: ResubmitCaseInput,
    @Ctx() ctx: CaseContext,
  ): Promise<CaseEntity> {
    assertCan(ctx.actor, 'case.resubmit');
    return ctx.services.filing.resubmit(ctx.actor, input.caseId, input.corrections ?? {}, input.note ?? null);
  }

  @Mutation(() => Case, { description: 'AGENCY: withdraws a case before its documents are accepted.' })
  async withdrawCase(
    @Arg('input', () => WithdrawCaseInput) input: WithdrawCaseInput,
    @Ctx() ctx: CaseContext,
  ): Promise<CaseEntity> {
    assertCan(ctx.actor, 'case.withdraw');
    return ctx.services.filing.withdraw(ctx.actor, input.caseId, input.reason ?? null);
  }

  @FieldResolver(() => RouteDetails)
  routeDetails(@Root() c: CaseEntity): RouteDetails {
    return {
      notificationLetterNumber: c.notificationLetterNumber,
      inMainlandBasis: c.inMainlandBasis,
      currentWorkPermitNumber: c.currentWorkPermitNumber,
      currentResidencePermitNumber: c.currentResidencePermitNumber,
      currentPermitsExpireOn: c.currentPermitsExpireOn,
    };
  }

  @FieldResolver(() => Applicant)
  applicant(@Root() c: CaseEntity): Applicant {
    return Applicant.of(c);
  }

  @FieldResolver(() => Employer)
  async employer(@Root() c: CaseEntity, @Ctx() ctx: CaseContext): Promise<EmployerEntity> {
    const e = await ctx.loaders.employerById.load(c.employerId);
    if (!e) throw new NotFoundError('Employer', c.employerId);
    return e;
  }

  @FieldResolver(() => Agency, {
    nullable: true,
    description:
      'The agency that filed the case. Whoever may see the case may see which agency filed it (an agency sees only its own cases anyway). Null only if the filing token named an agency that is not registered.',
  })
  async agency(@Root() c: CaseEntity, @Ctx() ctx: CaseContext): Promise<AgencyEntity | null> {
    return ctx.loaders.agencyById.load(c.agencyId);
  }

  @FieldResolver(() => Boolean, { description: 'SUBMITTED and past its pre-examination due time (business clock).' })
  preExamOverdue(@Root() c: CaseEntity, @Ctx() ctx: CaseContext): boolean {
    return c.status === 'SUBMITTED' && c.preExamDueAt.getTime() < ctx.clock.now().getTime();
  }

  @FieldResolver(() => ReturnNotification, {
    nullable: true,
    description: 'The latest one-time return notification, if the case was ever returned.',
  })
  returnNotification(@Root() c: CaseEntity): ReturnNotification | null {
    if (!c.returnItems || !c.returnedAt) return null;
    const items = c.returnItems.map((i) => ({ ...i, attachmentId: i.attachmentId ?? null }));
    return { items, returnedAt: c.returnedAt, returnCount: c.returnCount };
  }

  @FieldResolver(() => WorkPermitDecision)
  workPermit(@Root() c: CaseEntity): WorkPermitDecision {
    return {
      status: c.wpStatus,
      permitNumber: c.wpPermitNumber,
      validFrom: c.wpValidFrom,
      validUntil: c.wpValidUntil,
      refusalReasons: c.wpRefusalReasons,
      decidedAt: c.wpDecidedAt,
    };
  }

  @FieldResolver(() => [TimelineEntry], { description: 'Who did what, when; oldest first.' })
  async timeline(@Root() c: CaseEntity, @Ctx() ctx: CaseContext): Promise<TimelineEntry[]> {
    return (await ctx.loaders.timelineByCaseId.load(c.id)) as TimelineEntry[];
  }
}

@Resolver(() => CaseConnection)
export class CaseConnectionResolver {
  @FieldResolver(() => Int, {
    description: 'How many cases match the filter. A separate count: ask for it only when you need it.',
  })
  async totalCount(@Root() conn: CaseConnection, @Ctx() ctx: CaseContext): Promise<number> {
    assertCan(ctx.actor, 'case.read');
    return ctx.services.cases.count(ctx.actor, conn.filter);
  }
}

function toFilter(f: CaseFilter | null | undefined): CaseFilterData | null {
  if (!f) return null;
  return {
    statuses: f.status,
    categories: f.category,
    routes: f.route,
    employerId: f.employerId,
    submittedFrom: f.submittedFrom,
    submittedTo: f.submittedTo,
    dueFrom: f.dueFrom,
    dueTo: f.dueTo,
    overdueOnly: f.overdueOnly,
    passportNumber: f.passportNumber,
    search: f.search ? { by: f.search.by, text: f.search.text } : null,
  };
}
