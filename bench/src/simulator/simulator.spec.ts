import { describe, expect, it } from 'vitest';
import { Capabilities, type FieldInfo } from '../lib/capabilities.js';
import { GraphQLClient } from '../lib/graphql-client.js';
import { Prng } from '../lib/prng.js';
import { Api, MissingOperationError, UnfillableInputError } from './api.js';
import { nextDayStart } from './city-simulator.js';
import { DEFAULT_SIMULATOR_CONFIG, parseSimulatorConfig } from './config.js';
import { planDay } from './plan.js';

const f = (name: string, typeRef: string, args: FieldInfo['args'] = []): [string, FieldInfo] => [
  name,
  { name, type: typeRef.replace(/[[\]!]/g, ''), typeRef, args },
];
const a = (name: string, typeRef: string): FieldInfo['args'][number] => ({
  name,
  type: typeRef.replace(/[[\]!]/g, ''),
  typeRef,
});

function fakeCaps(): Capabilities {
  const types = new Map<string, Map<string, FieldInfo>>([
    ['Case', new Map([f('id', 'ID!'), f('status', 'CaseStatus!'), f('residencePermit', 'ResidencePermit')])],
    ['ResidencePermit', new Map([f('id', 'ID!'), f('status', 'String!')])],
    [
      'FileCaseInput',
      new Map([
        f('employerId', 'ID!'),
        f('category', 'Category!'),
        f('applicant', 'ApplicantInput!'),
        f('renewal', 'RenewalInput'),
        f('attachments', '[String!]!'),
      ]),
    ],
    ['ApplicantInput', new Map([f('fullName', 'String!'), f('consent', 'Boolean!')])],
    ['RenewalInput', new Map([f('currentWorkPermitNumber', 'String!')])],
  ]);
  const mutation = new Map([f('fileCase', 'Case!', [a('input', 'FileCaseInput!')])]);
  return new Capabilities(
    new Map(),
    mutation,
    new Map(),
    types,
    new Map([
      ['Category', ['A', 'B', 'C']],
      ['CaseStatus', ['SUBMITTED']],
    ]),
    new Set(['FileCaseInput', 'ApplicantInput', 'RenewalInput']),
  );
}

describe('Api: operations built from the schema', () => {
  const api = new Api(new GraphQLClient('http://127.0.0.1:1/graphql'), fakeCaps());

  it('builds arguments and nested inputs from named values, leaving out optional inputs nobody gave', () => {
    const { text, variables } = api.document(
      'mutation',
      api.caps.mutation.get('fileCase')!,
      {
        employerId: 'e1',
        category: 'B',
        applicant: { fullName: 'Ann', '*Boolean': true },
        attachments: ['x'],
        other: 1,
      },
      ['id', 'status', 'residencePermit', 'missing'],
    );
    expect(text).toBe(
      'mutation SimFileCase($input: FileCaseInput!) { fileCase(input: $input) { id status residencePermit { id } } }',
    );
    expect(variables).toEqual({
      input: { employerId: 'e1', category: 'B', applicant: { fullName: 'Ann', consent: true }, attachments: ['x'] },
    });
  });

  it('names every required field it cannot fill, and enum values that do not exist', () => {
    expect(() =>
      api.document('mutation', api.caps.mutation.get('fileCase')!, { category: 'Z', applicant: {} }, ['id']),
    ).toThrow(UnfillableInputError);
    try {
      api.document('mutation', api.caps.mutation.get('fileCase')!, { category: 'Z', applicant: {} }, ['id']);
    } catch (err) {
      expect((err as UnfillableInputError).fields).toEqual([
        'fileCase(input).employerId',
        'fileCase(input).category (Z is not one of A/B/C)',
        'fileCase(input).applicant.fullName',
        'fileCase(input).applicant.consent',
        'fileCase(input).attachments',
      ]);
    }
  });

  it('reports a missing operation by every name it tried', () => {
    expect(() => api.need('mutation', ['checkIn', 'checkInCase'])).toThrow(MissingOperationError);
    expect(() => api.need('mutation', ['checkIn'])).toThrow('the API has no Mutation.checkIn');
    expect(api.pick('mutation', ['nope', 'fileCase'])).toBe('fileCase');
  });
});

describe('the simulated day', () => {
  const counters = [
    { id: 'a', name: 'A', windows: 1 },
    { id: 'b', name: 'B', windows: 4 },
    { id: 'c', name: 'C', windows: 2 },
    { id: 'd', name: 'D', windows: 3 },
  ];
  const cfg = { ...DEFAULT_SIMULATOR_CONFIG, gatewayUrl: 'x', cases: 60 };

  it('is planned the same way for the same seed, differently for another', () => {
    const one = planDay(cfg, counters, new Prng(cfg.seed));
    const two = planDay(cfg, counters, new Prng(cfg.seed));
    const other = planDay(cfg, counters, new Prng(cfg.seed + 1));
    expect(two).toEqual(one);
    expect(other).not.toEqual(one);
    expect(one).toHaveLength(60);
    expect(one.filter((p) => p.filedAtMin < 0)).toHaveLength(30);
    expect(new Set(one.map((p) => p.category))).toEqual(new Set(['A', 'B', 'C']));
    expect(one.every((p) => counters.some((c) => c.id === p.counterId) && p.serviceMin >= 2)).toBe(true);
    expect(one.every((p) => p.agency.employerIds.includes(p.employerId as never))).toBe(true);
  });

  it('starts on the next working weekday morning, skipping weekends and official holidays', () => {
    // Friday 2026-02-13 15:00 Shanghai → Monday 16th is Spring Festival; the next working weekday is Tuesday 24th.
    const start = nextDayStart(new Date('2026-02-13T07:00:00Z'), 8);
    expect(start.toISOString()).toBe('2026-02-24T00:00:00.000Z');
    // Before 08:00 on a working Tuesday: the same day.
    expect(nextDayStart(new Date('2026-03-03T22:00:00Z'), 8).toISOString()).toBe('2026-03-04T00:00:00.000Z');
  });
});

describe('simulator settings', () => {
  it('reads flags over environment variables over defaults', () => {
    const c = parseSimulatorConfig(['--seed', '7', '--cases=20', '--quiet'], {
      SIM_SPEED: '600',
      SIM_SEED: '3',
      GATEWAY_PORT: '4100',
    });
    expect(c).toMatchObject({
      seed: 7,
      cases: 20,
      speed: 600,
      verbose: false,
      gatewayUrl: 'http://127.0.0.1:4100/graphql',
    });
  });

  it('rejects unknown flags and out-of-range values with the reason', () => {
    expect(() => parseSimulatorConfig(['--sead', '1'], {})).toThrow(/unknown flag --sead/);
    expect(() => parseSimulatorConfig(['--speed', 'fast'], {})).toThrow(/not a number/);
    expect(() => parseSimulatorConfig(['--no-show', '2', '--speed', '0'], {})).toThrow(
      /speed must be > 0; noShowRate must be between 0 and 1/,
    );
  });
});
