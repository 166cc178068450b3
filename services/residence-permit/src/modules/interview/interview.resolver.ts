import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { assertCan, can, type RequestContext } from '@onestop/common';
import type { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import { ResidencePermit } from '../residence-permit/residence-permit.type.js';
import { InterviewExemptionInput } from './dto/interview.input.js';
import { interviewOutcomeOf } from './interview-outcome.js';
import type { ClaimableGround } from './interview-rule.js';
import { InterviewRequirement, type ProxyKind } from './interview.type.js';
import type { InterviewService } from './interview.service.js';

/** What the interview resolvers need of the request context (context.ts provides it). */
export interface InterviewContext extends RequestContext {
  services: { interview: InterviewService };
}

@Resolver(() => ResidencePermit)
export class InterviewResolver {
  @Mutation(() => ResidencePermit, {
    description:
      'AGENCY (or CLERK): declare the claimable interview exemptions and the proxy, replacing earlier declarations. A proxy without an exemption is refused (INVALID_TRANSITION). Before acceptance only.',
  })
  async declareInterviewExemption(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('input', () => InterviewExemptionInput) input: InterviewExemptionInput,
    @Ctx() ctx: InterviewContext,
  ): Promise<ResidencePermitEntity> {
    assertCan(ctx.actor, 'residencePermit.recordProxy');
    return ctx.services.interview.declare(ctx.actor, caseId, input);
  }

  @Mutation(() => ResidencePermit, {
    description: 'EE_OFFICER: demand a face-to-face interview, also of an exempt applicant.',
  })
  async demandInterview(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: InterviewContext,
  ): Promise<ResidencePermitEntity> {
    assertCan(ctx.actor, 'residencePermit.demandInterview');
    return ctx.services.interview.demand(ctx.actor, caseId, reason);
  }

  @FieldResolver(() => InterviewRequirement)
  interview(@Root() p: ResidencePermitEntity, @Ctx() ctx: InterviewContext): InterviewRequirement {
    const o = interviewOutcomeOf(p);
    const personal = can(ctx.actor, 'case.readPersonal', { employerId: p.employerId });
    return {
      required: o.required,
      reason: o.reason,
      exemptions: o.exemptions,
      declaredGrounds: p.claimedGrounds as ClaimableGround[],
      demandedBy:
        p.demandedAt && p.demandedBy
          ? {
              officerId: p.demandedBy,
              officerName: p.demandedByName ?? p.demandedBy,
              reason: p.demandReason ?? '',
              demandedAt: p.demandedAt,
            }
          : null,
      proxy: p.proxyKind
        ? {
            kind: p.proxyKind as ProxyKind,
            name: personal ? (p.proxyName ?? '') : mask(p.proxyName),
            idCopyReference: personal ? (p.proxyIdCopyReference ?? '') : mask(p.proxyIdCopyReference),
            recordedBy: p.groundsDeclaredBy,
            recordedAt: p.groundsDeclaredAt,
          }
        : null,
      status: o.status,
      satisfied: o.satisfied,
      scheduled: o.scheduled,
    };
  }
}

/** Keeps the first character, so a person can tell entries apart without reading them. */
function mask(s: string | null): string {
  return s ? `${s.slice(0, 1)}****` : '****';
}
