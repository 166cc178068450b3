import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';

@ObjectType('AgencyApiClient', {
  description:
    'A partner agency’s API client (OAuth 2.0 client credentials at the identity provider). Its tokens act for the agency and the employers listed, and live 5 minutes.',
})
export class AgencyApiClient {
  @Field(() => ID, { description: 'The OAuth client_id.' })
  clientId!: string;

  @Field(() => ID)
  agencyId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [ID], { description: 'The employers its tokens act for (the agency’s, when registered).' })
  employerIds!: string[];

  @Field(() => Int, { description: 'How many secrets it has had: 1, then one more per rotation.' })
  secretVersion!: number;

  @Field(() => GraphQLDateTime)
  createdAt!: Date;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'Set once revoked: it gets no more tokens.' })
  revokedAt!: Date | null;
}

@ObjectType('AgencyApiClientCredentials', {
  description: 'A client and its new secret. The secret is shown this once: OneStop keeps only a hash.',
})
export class AgencyApiClientCredentials {
  @Field(() => AgencyApiClient)
  client!: AgencyApiClient;

  @Field(() => String)
  clientSecret!: string;

  @Field(() => String, { description: 'Where the agency exchanges the client id and secret for a token.' })
  tokenEndpoint!: string;
}
