import { describe, expect, it } from 'vitest';
import { actorFromClaims } from '@onestop/common';
import { graphql } from './graphql.js';
import { documentHashes, memoizedOperationHash, operationHash, safelistApplies } from './safelist.js';

const hash = (source: string, name?: string): string | null => operationHash(graphql.parse(source), name);

describe('operationHash', () => {
  const base = 'query CaseCard($id: ID!) { case(id: $id) { ...Header status } } fragment Header on Case { reference }';

  it('ignores formatting, comments, fragment order, unused fragments and other operations', () => {
    const h = hash(base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(
      hash(
        `# a comment\nfragment Header on Case {\n  reference\n}\n\nquery CaseCard($id: ID!) {\n  case(id: $id) { ...Header, status }\n}`,
      ),
    ).toBe(h);
    expect(hash(`${base} fragment Unused on Case { id } query Other { __typename }`, 'CaseCard')).toBe(h);
  });

  it('changes with anything that executes differently', () => {
    const h = hash(base);
    expect(hash(base.replace('status }', 'status employerId }'))).not.toBe(h);
    expect(
      hash(base.replace('fragment Header on Case { reference }', 'fragment Header on Case { reference id }')),
    ).not.toBe(h);
    expect(hash(base.replace('CaseCard', 'Renamed'))).not.toBe(h);
    expect(hash(base.replace('$id: ID!', '$id: ID'))).not.toBe(h);
  });

  it('needs the operation name when a document has several, and finds none for an unknown name', () => {
    expect(hash('query A { __typename } query B { __typename }')).toBeNull();
    expect(hash('query A { __typename }', 'B')).toBeNull();
  });
});

describe('documentHashes', () => {
  it('hashes every operation of a dashboard document and requires names', () => {
    expect(documentHashes('query A { __typename } subscription B { x } fragment F on Q { y }')).toHaveLength(2);
    expect(() => documentHashes('{ __typename }', 'x.graphql')).toThrow(/needs a name/);
    expect(() => documentHashes('query {', 'broken.graphql')).toThrow(/broken.graphql is not a valid GraphQL document/);
  });
});

describe('safelistApplies', () => {
  const agency = actorFromClaims({ sub: 'a', role: 'AGENCY', agencyId: 'ag', employerIds: ['e'] });
  const manager = actorFromClaims({ sub: 'm', role: 'MANAGER' });
  it('off: never; enforce: always; enforce-except-agencies: all but agencies (anonymous included)', () => {
    expect([safelistApplies('off', manager), safelistApplies('off', null)]).toEqual([false, false]);
    expect([
      safelistApplies('enforce', agency),
      safelistApplies('enforce', manager),
      safelistApplies('enforce', null),
    ]).toEqual([true, true, true]);
    expect([
      safelistApplies('enforce-except-agencies', agency),
      safelistApplies('enforce-except-agencies', manager),
      safelistApplies('enforce-except-agencies', null),
    ]).toEqual([false, true, true]);
  });
});

describe('memoizedOperationHash', () => {
  it('gives operationHash’s answer for each operation of a document, the same on every call', () => {
    const document = graphql.parse('query A { case(id: "1") { id } } query B { case(id: "2") { status } }');
    for (let i = 0; i < 2; i++) {
      expect(memoizedOperationHash(document, 'A')).toBe(operationHash(document, 'A'));
      expect(memoizedOperationHash(document, 'B')).toBe(operationHash(document, 'B'));
      expect(memoizedOperationHash(document, 'Missing')).toBeNull();
      expect(memoizedOperationHash(document)).toBeNull(); // two operations, no name
    }
    expect(memoizedOperationHash(document, 'A')).not.toBe(memoizedOperationHash(document, 'B'));
  });
});
