import { describe, expect, it } from 'vitest';
import { graphql } from '../graphql.js';
import { EVENT_ID_ALIAS, eventIdOf, makeResumable, RESUME_VARIABLE } from './resume.js';

const schema = graphql.buildSchema(`
  type Query { x: Int }
  type Subscription {
    slaBreached(since: ID, counterId: ID): SlaAlert
    counterLoadChanged(counterId: ID): CounterLoad
    noEventId(since: ID): CounterLoad
  }
  type SlaAlert { eventId: ID! kind: String! }
  type CounterLoad { waiting: Int! }
`);

describe('makeResumable', () => {
  it('binds since to the resume variable, selects eventId under an alias, and keeps the other variables', () => {
    const r = makeResumable('subscription S__cs__0($c:ID){slaBreached(counterId:$c){kind}}', schema)!;
    expect(r.operation).toBe(
      `subscription S__cs__0($c:ID$${RESUME_VARIABLE}:ID){slaBreached(counterId:$c since:$${RESUME_VARIABLE}){${EVENT_ID_ALIAS}:eventId kind}}`,
    );
    expect(r.responseName).toBe('slaBreached');
    expect(r.variableNames).toEqual(['c']);
    expect(r.initialSince({ c: 'x' })).toBeNull();
  });

  it('reads the client’s since from a variable or a literal, and drops a variable only since used', () => {
    const fromVariable = makeResumable('subscription S($s:ID){alias:slaBreached(since:$s){kind}}', schema)!;
    expect(fromVariable.initialSince({ s: '41' })).toBe('41');
    expect(fromVariable.initialSince({})).toBeNull();
    expect(fromVariable.variableNames).toEqual([]);
    expect(fromVariable.operation).not.toContain('$s');
    expect(fromVariable.responseName).toBe('alias');
    expect(makeResumable('subscription{slaBreached(since:"7"){kind}}', schema)!.initialSince({})).toBe('7');
  });

  it('is null for fields without since, or whose payload has no eventId', () => {
    expect(makeResumable('subscription{counterLoadChanged{waiting}}', schema)).toBeNull();
    expect(makeResumable('subscription{noEventId(since:"1"){waiting}}', schema)).toBeNull();
    expect(makeResumable('query{x}', schema)).toBeNull();
  });
});

describe('eventIdOf', () => {
  it('reads the aliased event id', () => {
    expect(eventIdOf({ slaBreached: { [EVENT_ID_ALIAS]: '12', kind: 'X' } }, 'slaBreached')).toBe('12');
    expect(eventIdOf({ slaBreached: null }, 'slaBreached')).toBeNull();
    expect(eventIdOf(null, 'slaBreached')).toBeNull();
  });
});
