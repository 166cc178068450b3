import { Field, InputType } from 'type-graphql';
import type { ClaimableGround } from '../interview-rule.js';
import { InterviewExemptionGroundEnum, ProxyKindEnum, type ProxyKind } from '../interview.type.js';

@InputType('InterviewProxyInput')
export class InterviewProxyInput {
  @Field(() => ProxyKindEnum)
  kind!: ProxyKind;

  @Field(() => String, { description: 'The representative: the inviting unit or the agency, and the person acting.' })
  name!: string;

  @Field(() => String, { description: "Reference to the uploaded copy of the proxy's identity document." })
  idCopyReference!: string;
}

@InputType('InterviewExemptionInput', { description: 'Replaces the declared grounds and the proxy as a whole.' })
export class InterviewExemptionInput {
  @Field(() => [InterviewExemptionGroundEnum], { description: 'Every ground claimed (empty: none).' })
  grounds!: ClaimableGround[];

  @Field(() => InterviewProxyInput, {
    nullable: true,
    description: 'The proxy; null or omitted: none. Allowed only for an exempt applicant.',
  })
  proxy?: InterviewProxyInput | null;
}
