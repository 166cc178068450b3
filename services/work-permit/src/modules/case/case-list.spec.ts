import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorFromClaims, encodeCursor } from '@onestop/common';
import { DEMO_EMPLOYERS } from '@onestop/common/testing';
import { AccessLogService } from '../access-log/access-log.service.js';
import { agencyClaims } from '../../testing/filing-input.js';
import { startTestRuntime, type TestRuntime } from '../../testing/test-runtime.js';
import { CaseQueryService, type CaseListArgs } from './case-query.service.js';

/**
 * The list queries stay index-driven at volume: 150,000 cases (mostly closed, a small open
 * queue), ANALYZEd, then the exact SQL `cases` runs is EXPLAINed. The assertions are on the
 * plan, not on time: the right index, no sequential scan of the case table, no sort of a
 * large set, and a LIMIT of one page (keyset, no OFFSET). bench/ measures the timings.
 */
const ROWS = 150_000;
let t: TestRuntime;
let service: CaseQueryService;
const manager = actorFromClaims({ sub: 'manager-1', role: 'MANAGER' });
const officer = actorFromClaims({ sub: 'officer-1', role: 'WP_OFFICER' });

beforeAll(async () => {
  t = await startTestRuntime();
  service = new CaseQueryService(t.runtime.ds, t.clock, new AccessLogService(t.runtime.ds, t.clock));
  // 2% SUBMITTED (the pre-examination queue, half overdue), 2% ACCEPTED, the rest CLAIMED.
  await t.runtime.ds.query(
    `INSERT INTO wp."case" (id, reference, employer_id, agency_id, filed_by, idempotency_key, filing_hash, route, notification_letter_number,
       category, applicant_full_name, applicant_nationality, applicant_passport_number, applicant_date_of_birth, applicant_sex,
       applicant_household_registration, attachments, contract_ends_on, passport_expires_on, status, submitted_at, pre_exam_started_at,
       pre_exam_due_at, pre_exam_due_provisional, return_count, presenter_kind, wp_status, rp_status, updated_at)
     SELECT gen_random_uuid(), 'BULK-' || g, ($1::uuid[])[1 + g % 4], 'bulk', 'bulk', 'bulk-' || g, 'x', 'NOTIFICATION_LETTER', 'NL-' || g,
       (ARRAY['A','B','C'])[1 + g % 3], 'Applicant ' || g, 'DEU', 'P' || g, DATE '1990-01-01', 'MALE', 'NEVER_REGISTERED', '["Degree"]'::jsonb,
       DATE '2030-01-01', DATE '2031-01-01',
       CASE WHEN g % 50 = 0 THEN 'SUBMITTED' WHEN g % 50 = 1 THEN 'ACCEPTED' ELSE 'CLAIMED' END,
       t0, t0, t0 + interval '3 days', false, 0, 'REGISTERED_HANDLER', 'PENDING', 'PENDING', t0
     FROM generate_series(1, $2) g, LATERAL (SELECT now() - interval '400 days' + (g * interval '4 minutes')) AS s(t0)`,
    [DEMO_EMPLOYERS.map((e) => e.id), ROWS],
  );
  await t.runtime.ds.query('ANALYZE wp."case"');
});
afterAll(async () => {
  await t?.stop();
});

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Plan Rows'?: number;
  Plans?: PlanNode[];
}

async function plan(actor: typeof manager, args: CaseListArgs): Promise<PlanNode[]> {
  const { qb } = service.listQuery(actor, args);
  const [sql, params] = qb.getQueryAndParameters();
  const rows: { 'QUERY PLAN': { Plan: PlanNode }[] }[] = await t.runtime.ds.query(
    `EXPLAIN (FORMAT JSON) ${sql}`,
    params,
  );
  const out: PlanNode[] = [];
  const walk = (n: PlanNode): void => {
    out.push(n);
    n.Plans?.forEach(walk);
  };
  walk(rows[0]!['QUERY PLAN'][0]!.Plan);
  return out;
}

function indexes(nodes: PlanNode[]): string[] {
  return nodes.filter((n) => n['Index Name']).map((n) => n['Index Name']!);
}

describe(`cases() plans over ${ROWS.toLocaleString('en')} cases`, () => {
  it('the overdue pre-examination queue walks the partial index of open cases, one page, no sort', async () => {
    const nodes = await plan(officer, { filter: { statuses: ['SUBMITTED'], overdueOnly: true }, first: 50 });
    expect(nodes[0]!['Node Type']).toBe('Limit');
    expect(indexes(nodes)).toEqual([expect.stringMatching(/^IDX_case_(open_due|status_due)$/)]);
    expect(nodes.map((n) => n['Node Type'])).not.toContain('Sort');
    expect(nodes.map((n) => n['Node Type'])).not.toContain('Seq Scan');
  });

  it('one status, sorted by due time, uses the (status, due, id) index', async () => {
    const nodes = await plan(manager, { filter: { statuses: ['ACCEPTED'] }, first: 50 });
    expect(indexes(nodes)).toEqual(['IDX_case_status_due']);
    expect(nodes.map((n) => n['Node Type'])).not.toContain('Sort');
  });

  it('no filter uses the (due, id) index, also past a cursor', async () => {
    const first = await plan(manager, { first: 50 });
    expect(indexes(first)).toEqual(['IDX_case_due']);
    const after = encodeCursor(['PRE_EXAM_DUE_ASC', new Date().toISOString(), '00000000-0000-4000-8000-000000000000']);
    const next = await plan(manager, { first: 50, after });
    expect(indexes(next)).toEqual(['IDX_case_due']);
    expect(next.map((n) => n['Node Type'])).not.toContain('Sort');
  });

  it('the work list order (DUE_ASC) walks the open-clock due expression index, also past a cursor, no sort', async () => {
    const preset = {
      filter: { statuses: ['SUBMITTED', 'ACCEPTED'] as const },
      first: 100,
      orderBy: 'DUE_ASC' as const,
    };
    const first = await plan(officer, { ...preset, filter: { statuses: [...preset.filter.statuses] } });
    expect(first[0]!['Node Type']).toBe('Limit');
    expect(indexes(first)).toEqual(['IDX_case_open_clock_due']);
    expect(first.map((n) => n['Node Type'])).not.toContain('Sort');
    const after = encodeCursor(['DUE_ASC', new Date().toISOString(), '00000000-0000-4000-8000-000000000000']);
    const next = await plan(officer, { ...preset, filter: { statuses: [...preset.filter.statuses] }, after });
    expect(indexes(next)).toEqual(['IDX_case_open_clock_due']);
    expect(next.map((n) => n['Node Type'])).not.toContain('Sort');
    const all = await plan(manager, { first: 50, orderBy: 'DUE_ASC' });
    expect(indexes(all)).toEqual(['IDX_case_open_clock_due']);
    expect(all.map((n) => n['Node Type'])).not.toContain('Sort');
  });

  it('newest first uses the (submitted, id) index', async () => {
    const nodes = await plan(manager, { first: 50, orderBy: 'SUBMITTED_DESC' });
    expect(indexes(nodes)).toEqual(['IDX_case_submitted']);
    expect(nodes.map((n) => n['Node Type'])).not.toContain('Sort');
  });

  it('a search by passport number (spaces and case ignored) is an equality on the passport index', async () => {
    const nodes = await plan(officer, { filter: { passportNumber: ' p 12345 ' }, first: 20 });
    expect(indexes(nodes)).toContain('IDX_case_passport_prefix');
    expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'case')).toEqual([]);
    const page = await service.list(officer, { filter: { passportNumber: ' p 12345 ' }, first: 20 });
    expect(page.nodes.map((c) => c.applicantPassportNumber)).toEqual(['P12345']);
  });

  it('an agency’s open queue is read through an index, never a scan of the case table', async () => {
    const agency = actorFromClaims(agencyClaims(0) as unknown as Record<string, unknown>);
    const nodes = await plan(agency, { filter: { statuses: ['SUBMITTED'] }, first: 50 });
    expect(indexes(nodes).length).toBeGreaterThan(0);
    expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'case')).toEqual([]);
  });
});
