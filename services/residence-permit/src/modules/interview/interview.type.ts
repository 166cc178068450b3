import { Field, ObjectType, registerEnumType } from 'type-graphql';
import {
  CLAIMABLE_GROUNDS,
  INTERVIEW_EXEMPTIONS,
  INTERVIEW_STATUSES,
  type ClaimableGround,
  type InterviewExemption,
  type InterviewStatus,
} from './interview-rule.js';

export const PROXY_KINDS = ['INVITING_UNIT', 'SPECIALISED_AGENCY'] as const;
export type ProxyKind = (typeof PROXY_KINDS)[number];

export const InterviewExemptionEnum = Object.fromEntries(INTERVIEW_EXEMPTIONS.map((e) => [e, e])) as {
  [K in InterviewExemption]: K;
};
registerEnumType(InterviewExemptionEnum, {
  name: 'InterviewExemption',
  description: 'Why no face-to-face interview is required (seed §6).',
  valuesConfig: {
    AGED_60_OR_OVER: { description: 'Aged 60 or over on the filing date (automatic, from the date of birth).' },
    MOBILITY_ISSUES: { description: 'Mobility issues from illness or other reasons (declared by the agency).' },
    RENEWAL: { description: 'Renewal of the residence permit (automatic, from the RENEWAL route).' },
    HIGH_LEVEL_TALENT: { description: 'High-level talent (declared by the agency).' },
    URGENTLY_NEEDED_SPECIALIST: { description: 'Specialised talent urgently needed (declared by the agency).' },
  },
});

export const InterviewExemptionGroundEnum = Object.fromEntries(CLAIMABLE_GROUNDS.map((e) => [e, e])) as {
  [K in ClaimableGround]: K;
};
registerEnumType(InterviewExemptionGroundEnum, {
  name: 'InterviewExemptionGround',
  description: 'The exemptions an agency declares; age and renewal are read from the filing.',
});

export const InterviewStatusEnum = Object.fromEntries(INTERVIEW_STATUSES.map((e) => [e, e])) as {
  [K in InterviewStatus]: K;
};
registerEnumType(InterviewStatusEnum, {
  name: 'InterviewStatus',
  description:
    'NOT_REQUIRED; PENDING (required, not scheduled); SCHEDULED; COMPLETED (a face-to-face interview took place).',
});

export const ProxyKindEnum = Object.fromEntries(PROXY_KINDS.map((e) => [e, e])) as { [K in ProxyKind]: K };
registerEnumType(ProxyKindEnum, {
  name: 'InterviewProxyKind',
  description: 'Who may represent an exempt applicant: the inviting unit (employer) or a specialised service agency.',
});

@ObjectType('InterviewDemand', { description: 'An Exit-Entry officer demanded a face-to-face interview.' })
export class InterviewDemand {
  @Field(() => String)
  officerId!: string;

  @Field(() => String)
  officerName!: string;

  @Field(() => String)
  reason!: string;

  @Field(() => Date)
  demandedAt!: Date;
}

@ObjectType('InterviewProxy', {
  description:
    'Who represents an exempt applicant. Name and ID copy are personal data, masked for roles that may not read them.',
})
export class InterviewProxy {
  @Field(() => ProxyKindEnum)
  kind!: ProxyKind;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "Reference to the stored copy of the proxy's identity document." })
  idCopyReference!: string;

  @Field(() => String, { nullable: true })
  recordedBy!: string | null;

  @Field(() => Date, { nullable: true })
  recordedAt!: Date | null;
}

@ObjectType('InterviewRequirement', { description: 'The outcome of the interview rule for this case, and why.' })
export class InterviewRequirement {
  @Field(() => Boolean)
  required!: boolean;

  @Field(() => String)
  reason!: string;

  @Field(() => [InterviewExemptionEnum], {
    description: 'Every exemption that applies (an officer may still demand an interview).',
  })
  exemptions!: InterviewExemption[];

  @Field(() => [InterviewExemptionGroundEnum], { description: 'The grounds the agency declared.' })
  declaredGrounds!: ClaimableGround[];

  @Field(() => InterviewDemand, { nullable: true })
  demandedBy!: InterviewDemand | null;

  @Field(() => InterviewProxy, { nullable: true })
  proxy!: InterviewProxy | null;

  @Field(() => InterviewStatusEnum)
  status!: InterviewStatus;

  @Field(() => Boolean, { description: 'Not required, or a face-to-face interview completed.' })
  satisfied!: boolean;

  @Field(() => Boolean, { description: 'A face-to-face interview is scheduled and not yet recorded.' })
  scheduled!: boolean;
}
