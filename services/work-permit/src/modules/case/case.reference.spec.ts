import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AGENCIES } from '@onestop/common/testing';
import { agencyClaims, filingInput } from '../../testing/filing-input.js';
import { startTestRuntime, type TestRuntime } from '../../testing/test-runtime.js';

/**
 * Batching, proven by counting statements: the spec opens work-permit's DataSource with
 * `onQuery` (DatabaseOptions), so every SQL statement the service layer sends is seen, and
 * runs `_entities` and `cases` through the real subgraph schema.
 */
let t: TestRuntime;
const statements: string[] = [];
let counting = false;
const officer = { sub: 'wp-officer-1', role: 'WP_OFFICER' as const, name: 'Officer One' };
const ids: string[] = [];

beforeAll(async () => {
  t = await startTestRuntime({ onQuery: (sql) => counting && statements.push(sql) });
  for (let i = 0; i < 10; i++) {
    const employerId = DEMO_AGENCIES[0].employerIds[i % 2]!;
    const r = await t.exec<{ fileCase: { id: string } }>(
      'mutation($i: FileCaseInput!) { fileCase(input: $i) { id } }',
      { i: filingInput(employerId, t.clock.now()) },
      agencyClaims(0),
    );
    expect(r.errors).toBeUndefined();
    ids.push(r.data!.fileCase.id);
  }
});
afterAll(async () => {
  await t?.stop();
});

/** Statements per table (the first wp table each statement names). */
async function countStatements(run: () => Promise<unknown>): Promise<Record<string, number>> {
  statements.length = 0;
  counting = true;
  try {
    await run();
  } finally {
    counting = false;
  }
  const byTable: Record<string, number> = {};
  for (const sql of statements) {
    const table = /(?:FROM|INTO|UPDATE)\s+"wp"\."(\w+)"/i.exec(sql)?.[1] ?? `other: ${sql.slice(0, 40)}`;
    byTable[table] = (byTable[table] ?? 0) + 1;
  }
  return byTable;
}

const ENTITY_FIELDS = `reference status employer { name handlers { fullName } } applicant { fullName passportNumber } timeline { action } workPermitMaterials { complete missing }`;

describe('batching: one SQL statement per entity type per fetch', () => {
  it('_entities for 10 cases (plus an unknown id) reads each table once', async () => {
    const reps = [...ids, '00000000-0000-4000-8000-000000000000'].map((id) => ({ __typename: 'Case', id }));
    let result: Awaited<ReturnType<TestRuntime['exec']>> | undefined;
    const counts = await countStatements(async () => {
      result = await t.exec(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Case { ${ENTITY_FIELDS} } } }`,
        { r: reps },
        officer,
      );
    });
    expect(result!.errors).toBeUndefined();
    const entities = (result!.data as { _entities: ({ reference: string } | null)[] })._entities;
    expect(entities.slice(0, 10).every((e) => e?.reference.startsWith('OS-'))).toBe(true);
    expect(entities[10]).toBeNull();
    // The officer read passport numbers: one access_log insert for all ten cases.
    expect(counts).toEqual({
      case: 1,
      employer: 1,
      employer_handler: 1,
      case_timeline: 1,
      case_material: 1,
      access_log: 1,
    });
  });

  it('an agency gets null for cases outside its employers, in the same single statement', async () => {
    let result: Awaited<ReturnType<TestRuntime['exec']>> | undefined;
    const counts = await countStatements(async () => {
      result = await t.exec(
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Case { reference } } }',
        { r: ids.map((id) => ({ __typename: 'Case', id })) },
        agencyClaims(1),
      );
    });
    expect(result!.errors).toBeUndefined();
    expect((result!.data as { _entities: unknown[] })._entities).toEqual(ids.map(() => null));
    expect(counts).toEqual({ case: 1 });
  });

  it('cases(first: 10) reads each table once, and counts only when totalCount is asked for', async () => {
    const page = await countStatements(() =>
      t.exec(`{ cases(first: 10) { edges { node { ${ENTITY_FIELDS} } } } }`, {}, officer),
    );
    expect(page).toEqual({
      case: 1,
      employer: 1,
      employer_handler: 1,
      case_timeline: 1,
      case_material: 1,
      access_log: 1,
    });
    let result: Awaited<ReturnType<TestRuntime['exec']>> | undefined;
    const withCount = await countStatements(async () => {
      result = await t.exec('{ cases(first: 3) { totalCount edges { node { reference } } } }', {}, officer);
    });
    expect((result!.data as { cases: { totalCount: number } }).cases.totalCount).toBe(10);
    expect(withCount).toEqual({ case: 2 });
  });
});
