import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { can } from '@onestop/common';
import type { WorkPermitContext } from '../context.js';
import { maskDateOfBirth, maskPassportNumber } from './applicant.rules.js';
import { Applicant } from './applicant.type.js';

/**
 * Personal data of the applicant: in full only for roles that need it
 * (`case.readPersonal`), masked for everyone else. Every staff read of a full value is written
 * to the access log before the value is returned; an agency reading its own case is not logged.
 */
@Resolver(() => Applicant)
export class ApplicantResolver {
  @FieldResolver(() => String, { description: 'Personal data: masked (e.g. E1234****) for roles that do not need it.' })
  async passportNumber(@Root() a: Applicant, @Ctx() ctx: WorkPermitContext): Promise<string> {
    if (!(await allowed(a, ctx, 'applicant.passportNumber'))) return maskPassportNumber(a.rawPassportNumber);
    return a.rawPassportNumber;
  }

  @FieldResolver(() => String, {
    description: 'YYYY-MM-DD. Personal data: masked (e.g. 1985-**-**) for roles that do not need it.',
  })
  async dateOfBirth(@Root() a: Applicant, @Ctx() ctx: WorkPermitContext): Promise<string> {
    if (!(await allowed(a, ctx, 'applicant.dateOfBirth'))) return maskDateOfBirth(a.rawDateOfBirth);
    return a.rawDateOfBirth;
  }

  @FieldResolver(() => Boolean, { description: 'True when personal data is masked for you.' })
  personalDataMasked(@Root() a: Applicant, @Ctx() ctx: WorkPermitContext): boolean {
    return !can(ctx.actor, 'case.readPersonal', { employerId: a.employerId });
  }
}

async function allowed(a: Applicant, ctx: WorkPermitContext, field: string): Promise<boolean> {
  if (!can(ctx.actor, 'case.readPersonal', { employerId: a.employerId })) return false;
  if (ctx.actor!.role !== 'AGENCY') await ctx.loaders.personalRead.load(`${a.caseId}\n${field}`);
  return true;
}
