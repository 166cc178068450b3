import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '@onestop/common';
import { type SlaKind } from '@onestop/common/contract';
import { SlaKindEnum } from '../clocks/sla.enums.js';
import { CaseRef } from '../../../shared/graphql-types.js';

@ObjectType('SlaBreach', { description: 'One breach of one SLA clock; open until the clock stops.' })
export class SlaBreach {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  clockId!: string;

  @Field(() => CaseRef, { nullable: true, description: 'The case; null if its subgraph is unavailable.' })
  case!: CaseRef;

  @Field(() => SlaKindEnum)
  kind!: SlaKind;

  @Field(() => String, { nullable: true })
  category!: string | null;

  @Field(() => ID, { nullable: true })
  counterId!: string | null;

  @Field(() => Date)
  dueAt!: Date;

  @Field(() => Date, { description: 'When the breach fell due.' })
  breachedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the clock finally stopped; null while the breach is open.' })
  resolvedAt!: Date | null;

  @Field(() => Boolean)
  open!: boolean;
}

@ObjectType('SlaBreachEdge')
export class SlaBreachEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => SlaBreach)
  node!: SlaBreach;
}

@ObjectType('SlaBreachConnection', { description: 'Breaches, newest first.' })
export class SlaBreachConnection {
  @Field(() => [SlaBreachEdge])
  edges!: SlaBreachEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Breaches matching the filter, over all pages.' })
  totalCount!: number;
}
