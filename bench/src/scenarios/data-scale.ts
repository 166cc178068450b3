import { DEMO_AGENCIES } from '@onestop/common/testing';
import { cloneCase, cloneCaseIdSql } from '../lib/clone-rows.js';
import { benchApi, createCases, workingQuery } from '../lib/fixtures.js';
import { check, type ScenarioReport, type TargetCheck } from '../lib/results.js';
import { summarize, type LatencySummary } from '../lib/stats.js';
import { MissingOperationError, type Api } from '../simulator/api.js';
import { FEDERATED_CASE_SELECTION } from './federated-case.js';
import type { Scenario, ScenarioContext } from './scenario.js';

const PRESETS = {
  full: { sizes: [100_000, 1_000_000], samples: 200 },
  smoke: { sizes: [1_000], samples: 10 },
};

/** Status mix of the bulk cases (percent), roughly a city's steady state. */
const STATUS_MIX: [string, number][] = [
  ['SUBMITTED', 25],
  ['RETURNED', 5],
  ['PRE_EXAM_PASSED', 10],
  ['APPOINTMENT_BOOKED', 10],
  ['CHECKED_IN', 2],
  ['ACCEPTED', 15],
  ['READY_FOR_CLAIM', 5],
  ['CLAIMED', 25],
  ['WITHDRAWN', 3],
];

function statusSql(): string {
  let acc = 0;
  const whens = STATUS_MIX.map(([s, p]) => {
    acc += p;
    return `WHEN (g % 100) < ${acc} THEN '${s}'`;
  });
  return `CASE ${whens.join(' ')} END`;
}

const GIVEN = [
  'Anna',
  'Jonas',
  'Zoë',
  'Mateo',
  'Léa',
  'Lukas',
  'Sofía',
  'Noah',
  'Elif',
  'Ravi',
  'Aiko',
  'Omar',
  'Ingrid',
  'Pablo',
  'Chloé',
  'Yusuf',
];
const SYLLABLES = [
  'ber',
  'ka',
  'lo',
  'mar',
  'ten',
  'vik',
  'son',
  'dra',
  'mel',
  'ri',
  'stan',
  'gu',
  'fe',
  'no',
  'wal',
  'ha',
  'zel',
  'pe',
  'tor',
  'bu',
  'chi',
  'len',
  'dö',
];
const CN_SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹'];
const CN_GIVEN = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉宇浩凯健俊帆帅旭宁婷雪琳晨欣怡梦涵瑶颖佳思雨萱博文轩',
];

const sqlArray = (xs: readonly string[]): string => `ARRAY[${xs.map((x) => `'${x}'`).join(', ')}]`;

/**
 * Applicant names for the clones, so a name search has something to tell apart: two in three
 * Latin (16 given names × 12,167 three-syllable surnames, some with accents), one in three
 * Chinese (30 surnames × 3,600 two-character given names).
 */
export function applicantNameSql(): string {
  const syl = (div: number) => `(${sqlArray(SYLLABLES)})[((g / ${div}) % ${SYLLABLES.length}) + 1]`;
  const latin = `(${sqlArray(GIVEN)})[((g / 3) % ${GIVEN.length}) + 1] || ' ' || initcap(${syl(48)} || ${syl(48 * 23)} || ${syl(48 * 529)})`;
  const cnGiven = (div: number) => `(${sqlArray(CN_GIVEN)})[((g / ${div}) % ${CN_GIVEN.length}) + 1]`;
  const chinese = `(${sqlArray(CN_SURNAMES)})[((g / 3) % ${CN_SURNAMES.length}) + 1] || ${cnGiven(90)} || ${cnGiven(90 * CN_GIVEN.length)}`;
  return `CASE WHEN g % 3 = 0 THEN ${chinese} ELSE ${latin} END`;
}

/** Column overrides that spread the clones over employers, statuses and due times (half of them overdue). */
function overrides(): Record<string, string> {
  const employers = DEMO_AGENCIES.flatMap((a) => a.employerIds.map((e) => [e, a.id] as const));
  const employerCase = `(ARRAY[${employers.map(([e]) => `'${e}'`).join(', ')}])[(g % ${employers.length}) + 1]`;
  const agencyCase = `(ARRAY[${employers.map(([, a]) => `'${a}'`).join(', ')}])[(g % ${employers.length}) + 1]`;
  const due = `now() + ((g % 2000) - 1000) * interval '15 minutes'`;
  return {
    'wp.case.status': statusSql(),
    'wp.case.applicant_full_name': applicantNameSql(),
    'wp.case.reference': `'OS-' || (2090 + g / 1000000) || '-' || lpad((g % 1000000)::text, 6, '0')`,
    'wp.case.idempotency_key': `'bench-' || g`,
    'wp.case.employer_id': `${employerCase}::uuid`,
    'wp.case.agency_id': agencyCase,
    'wp.case.pre_exam_due_at': due,
    'wp.case.pre_exam_started_at': `${due} - interval '3 days'`,
    'wp.case.submitted_at': `${due} - interval '3 days'`,
  };
}

/** `cases(filter, first: 50)` as the API spells it: filter field names are matched to what exists. */
function casesDocument(
  api: Api,
  filter: Record<string, unknown>,
  withCount: boolean,
): { text: string; variables: Record<string, unknown> } {
  const info = api.caps.query.get('cases');
  if (!info) throw new MissingOperationError(['Query.cases']);
  return api.document('query', info, { filter, first: 50 }, [
    ...(withCount ? ['totalCount'] : []),
    { edges: [{ node: ['id', 'reference', 'status'] }] },
    { nodes: ['id', 'reference', 'status'] },
    { pageInfo: ['hasNextPage', 'endCursor'] },
  ]);
}

/** Times `n` sequential calls after a few untimed ones (plan and connection caches). */
async function timeSequential(n: number, fn: (i: number) => Promise<unknown>): Promise<LatencySummary> {
  for (let i = 0; i < Math.min(10, n); i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/**
 * Data scale: bulk copies of a case filed through the API (every subgraph's rows, with
 * generate_series), then the work queue's first page with filters and `case(id)` through the
 * gateway, sequentially, at each size.
 */
export async function runDataScale(
  ctx: ScenarioContext,
  opts: { sizes: number[]; samples: number } = PRESETS[ctx.scale],
): Promise<ScenarioReport> {
  const { sys } = ctx;
  const b = await benchApi(sys);
  const [template] = await createCases(b, 1, { stage: 'filed', category: 'B' });
  const templateId = template!.id!;
  const token = await sys.ids.manager();
  const figures: Record<string, unknown> = {};
  const targets: TargetCheck[] = [];
  const notes: string[] = [
    'sequential requests, 1 connection, MANAGER token; clones of one case filed through the API (all subgraphs rows), status mix and due times spread, VACUUM (ANALYZE) after load, 10 untimed requests first',
  ];
  const caseDoc = (await workingQuery(b, 'case', { id: templateId }, FEDERATED_CASE_SELECTION, token)).text;
  let loaded = 0;
  for (const size of opts.sizes) {
    ctx.log(`data-scale: loading ${size - loaded} more cases …`);
    const clone = await cloneCase(sys.sql, {
      templateCaseId: templateId,
      from: loaded + 1,
      to: size,
      overrides: overrides(),
      // Clocks and breaches are the SLA scenario's; copied clocks would all fire at once.
      exclude: ['cs.sla_clock', 'cs.sla_breach', 'wp.access_log', 'wp.case_timeline'],
      onProgress: (m) => ctx.log(`data-scale: ${m}`),
    });
    loaded = size;
    const row: Record<string, unknown> = {
      loadS: clone.seconds,
      rows: Object.values(clone.rowsByTable).reduce((s, v) => s + v, 0),
    };
    const pick = await sys.sql.query<{ id: string }>(
      `SELECT ${cloneCaseIdSql(templateId, 'g')}::text AS id FROM generate_series(1, ${opts.samples}) s, LATERAL (SELECT 1 + ((s * 7919) % ${size}) AS g) x`,
    );
    const ids = pick.rows.map((r) => r.id);
    // The work queue's first page (what an officer opens), then the same with `totalCount`,
    // which counts every matching row and so grows with the data.
    for (const [label, filter, withCount] of [
      ['casesOverdue', { status: 'SUBMITTED', overdueOnly: true }, false],
      ['casesAccepted', { status: 'ACCEPTED' }, false],
      ['casesOverdueWithCount', { status: 'SUBMITTED', overdueOnly: true }, true],
    ] as const) {
      try {
        const doc = casesDocument(b.api, filter, withCount);
        const first = await sys.gateway.request<{ cases: { edges?: unknown[]; nodes?: unknown[] } }>(
          doc.text,
          doc.variables,
          token,
        );
        const count = (first.cases.edges ?? first.cases.nodes ?? []).length;
        const lat = await timeSequential(opts.samples, () => sys.gateway.request(doc.text, doc.variables, token));
        row[label] = { p50: lat.p50, p95: lat.p95, page: count };
        if (label === 'casesOverdue' && size >= 1_000_000)
          targets.push(check('cases first page p95 ≤ 50 ms at 1,000,000 cases', lat.p95, 50, ' ms'));
      } catch (err) {
        row[label] = 'n/a';
        if (!notes.some((n) => n.startsWith('cases:'))) notes.push(`cases: ${(err as Error).message.slice(0, 200)}`);
      }
    }
    // Name searches (issue 13): an officer types part of a name, as a person would: a Latin
    // surname without its accent or capital, or a Chinese name; terms taken from the loaded rows.
    const officer = await sys.ids.wpOfficer();
    const names = await sys.sql.query<{ name: string }>(
      `SELECT applicant_full_name AS name FROM wp."case" WHERE id = ANY($1::uuid[])`,
      [ids.slice(0, 40)],
    );
    const latinTerms = names.rows
      .map((r) => r.name)
      .filter((n) => /^[\p{Script=Latin} ]+$/u.test(n))
      .map((n) => n.split(' ')[1]!.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase());
    const chineseTerms = names.rows.map((r) => r.name).filter((n) => /\p{Script=Han}/u.test(n));
    for (const [label, terms] of [
      ['nameSearchLatin', latinTerms],
      ['nameSearchChinese', chineseTerms],
    ] as const) {
      if (!terms.length) continue;
      try {
        const doc = (text: string) => casesDocument(b.api, { search: { by: 'APPLICANT_NAME', text } }, false);
        const first = await sys.gateway.request<{ cases: { edges?: unknown[]; nodes?: unknown[] } }>(
          doc(terms[0]!).text,
          doc(terms[0]!).variables,
          officer,
        );
        const count = (first.cases.edges ?? first.cases.nodes ?? []).length;
        const lat = await timeSequential(opts.samples, (i) => {
          const d = doc(terms[i % terms.length]!);
          return sys.gateway.request(d.text, d.variables, officer);
        });
        row[label] = { p50: lat.p50, p95: lat.p95, page: count, terms: terms.length };
        if (label === 'nameSearchLatin' && size >= 1_000_000)
          targets.push(check('name search p95 ≤ 50 ms at 1,000,000 cases', lat.p95, 50, ' ms'));
      } catch (err) {
        row[label] = 'n/a';
        if (!notes.some((n) => n.startsWith('search:'))) notes.push(`search: ${(err as Error).message.slice(0, 200)}`);
      }
    }
    const lat = await timeSequential(opts.samples, (i) =>
      sys.gateway.request(caseDoc, { id: ids[i % ids.length] }, token),
    );
    row.caseById = { p50: lat.p50, p95: lat.p95 };
    figures[`n${size}`] = row;
  }
  if (opts.sizes.includes(1_000_000)) {
    for (const target of [
      'cases first page p95 ≤ 50 ms at 1,000,000 cases',
      'name search p95 ≤ 50 ms at 1,000,000 cases',
    ])
      if (!targets.some((t) => t.target === target)) targets.push({ target, actual: 'not measured', status: 'n/a' });
  }
  return { scenario: 'data-scale', command: ctx.command, figures, targets, notes };
}

export const dataScale: Scenario = {
  name: 'data-scale',
  description:
    '100,000 and 1,000,000 cases: cases(filter, first: 50), a name search (Latin and Chinese) and case(id) p50/p95 through the gateway',
  run: (ctx) => runDataScale(ctx),
};
