import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { can } from '@onestop/common';
import type { AreaContext } from '../../shared/request-context.js';
import type { AccessLogLoaders } from '../access-log/access-log.resolver.js';
import { maskDateOfBirth, maskPassportNumber } from './applicant.rules.js';
import { Applicant } from './applicant.type.js';

type ApplicantContext = AreaContext<object, AccessLogLoaders>;

/**
 * Personal data of the applicant: in full only for roles that need it
 * (`case.readPersonal`), masked for everyone else. Every staff read of a full value is written
 * to the access log before the value is returned; an agency reading its own case is not logged.
 */
@Resolver(() => Applicant)
export class ApplicantResolver {
  @FieldResolver(() => String, { description: 'Personal data: masked (e.g. E1234****) for roles that do not need it.' })
  async passportNumber(@Root() a: Applicant, @Ctx() ctx: ApplicantContext): Promise<string> {
    if (!(await allowed(a, ctx, 'applicant.passportNumber'))) return maskPassportNumber(a.rawPassportNumber);
    return a.rawPassportNumber;
  }

  @FieldResolver(() => String, {
    description: 'YYYY-MM-DD. Personal data: masked (e.g. 1985-**-**) for roles that do not need it.',
  })
  async dateOfBirth(@Root() a: Applicant, @Ctx() ctx: ApplicantContext): Promise<string> {
    if (!(await allowed(a, ctx, 'applicant.dateOfBirth'))) return maskDateOfBirth(a.rawDateOfBirth);
    return a.rawDateOfBirth;
  }

  @FieldResolver(() => Boolean, { description: 'True when personal data is masked for you.' })
  personalDataMasked(@Root() a: Applicant, @Ctx() ctx: ApplicantContext): boolean {
    return !can(ctx.actor, 'case.readPersonal', { employerId: a.employerId });
  }
}

async function allowed(a: Applicant, ctx: ApplicantContext, field: string): Promise<boolean> {
  if (!can(ctx.actor, 'case.readPersonal', { employerId: a.employerId })) return false;
  if (ctx.actor!.role !== 'AGENCY') await ctx.loaders.personalRead.load(`${a.caseId}\n${field}`);
  return true;
}
