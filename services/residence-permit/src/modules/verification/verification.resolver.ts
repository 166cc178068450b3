import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type DataLoader from 'dataloader';
import { assertCan, type Actor, type RequestContext } from '@onestop/common';
import type { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import { ResidencePermit } from '../residence-permit/residence-permit.type.js';
import { ScheduleVerificationInput, VerificationOutcomeInput } from './dto/verification.input.js';
import type { VerificationEntity } from './verification.entity.js';
import type { VerificationService } from './verification.service.js';
import { Verification } from './verification.type.js';

/** What the verification resolvers need of the request context (context.ts provides it). */
export interface VerificationContext extends RequestContext {
  services: { verifications: VerificationService };
  loaders: { verificationsByPermitId: DataLoader<string, VerificationEntity[]> };
}

@Resolver(() => ResidencePermit)
export class VerificationResolver {
  @Mutation(() => ResidencePermit, {
    description:
      'EE_OFFICER: schedule a face-to-face interview, telephone interview or on-site investigation. Idempotent per officer and input.idempotencyKey: a retry returns the verification already scheduled; the key with a different request is a CONFLICT. Appends residence-permit.verification-scheduled.',
  })
  async scheduleVerification(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('input', () => ScheduleVerificationInput) input: ScheduleVerificationInput,
    @Ctx() ctx: VerificationContext,
  ): Promise<ResidencePermitEntity> {
    assertCan(ctx.actor, 'residencePermit.verify');
    return ctx.services.verifications.schedule(ctx.actor, caseId, input);
  }

  @Mutation(() => ResidencePermit, {
    description:
      'EE_OFFICER: record the outcome of a scheduled verification once it took place. A completed face-to-face interview satisfies the interview requirement. Appends residence-permit.verification-recorded.',
  })
  async recordVerificationOutcome(
    @Arg('verificationId', () => ID) verificationId: string,
    @Arg('input', () => VerificationOutcomeInput) input: VerificationOutcomeInput,
    @Ctx() ctx: VerificationContext,
  ): Promise<ResidencePermitEntity> {
    assertCan(ctx.actor, 'residencePermit.verify');
    return ctx.services.verifications.record(ctx.actor, verificationId, input);
  }

  @FieldResolver(() => [Verification], { description: 'Every verification, in the order scheduled.' })
  async verifications(@Root() permit: ResidencePermitEntity, @Ctx() ctx: VerificationContext): Promise<Verification[]> {
    const rows = await ctx.loaders.verificationsByPermitId.load(permit.id);
    const notes = readsNotes(ctx.actor);
    return rows.map((v) => ({
      id: v.id,
      caseId: v.caseId,
      kind: v.kind,
      status: v.outcome ? 'RECORDED' : 'SCHEDULED',
      scheduledAt: v.scheduledAt,
      location: v.location,
      scheduledBy: v.scheduledBy,
      scheduledByName: v.scheduledByName,
      outcome: v.outcome,
      notes: notes ? v.notes : null,
      recordedBy: v.recordedBy,
      recordedByName: v.recordedByName,
      recordedAt: v.recordedAt,
    }));
  }
}

/** An officer's notes are working papers of the review: officers read them, agencies and counters do not. */
function readsNotes(actor: Actor | null): boolean {
  return actor?.role === 'EE_OFFICER' || actor?.role === 'WP_OFFICER';
}
