/**
 * GraphQL types both modules of counter-scheduling name (counter operations and SLA/calendar):
 * the federated `Case` stub and the `SlaKind` enum. Leaf code: it imports no module, so neither
 * module reaches into the other for them.
 */
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { SLA_KINDS, type SlaKind } from '@onestop/common/contract';

/** Case as seen by counter-scheduling: it adds the operational fields. */
@Directive('@key(fields: "id")')
@ObjectType('Case')
export class CaseRef {
  @Field(() => ID)
  id!: string;
}

/** GraphQL enum `SlaKind`, from the domain's SLA_KINDS. */
export const SlaKindEnum = Object.fromEntries(SLA_KINDS.map((k) => [k, k])) as { [K in SlaKind]: K };
registerEnumType(SlaKindEnum, {
  name: 'SlaKind',
  description: 'The SLA clocks (DOMAIN.md: time rules).',
  valuesConfig: {
    PRE_EXAMINATION: {
      description: 'Online (re)submission to the pre-examination decision: 1 working day for A, 3 for B/C.',
    },
    ISSUANCE: { description: 'Documents accepted at the counter to both permits decided: 5 working days.' },
    COUNTER_WAIT: { description: 'Queue ticket issued to ticket called: 30 minutes of wall time (configurable).' },
    PASSPORT_CUSTODY: {
      description: 'Passport held at acceptance to the claim: alert when held over 10 working days (configurable).',
    },
  },
});
