import type { ApolloClient } from '@apollo/client';
import type { Translate } from '../i18n/i18n';
import {
  ExportCasesDocument,
  ExportSlaBreachesDocument,
  ExportSlaWorkListDocument,
  type ExportCasesQuery,
  type ExportCasesQueryVariables,
  type ExportSlaBreachesQuery,
  type ExportSlaBreachesQueryVariables,
  type ExportSlaWorkListQuery,
  type ExportSlaWorkListQueryVariables,
} from '../generated/graphql';
import { csvDateTime, type CsvColumn } from './csv';

/** The most rows one export reads (100 pages of the API's largest page). */
export const MAX_EXPORT_ROWS = 10_000;
const PAGE = 100;

/** More rows match than one export takes: the person narrows the filter instead of getting a partial file. */
export class TooManyRowsError extends Error {
  constructor() {
    super(`more than ${MAX_EXPORT_ROWS} rows`);
  }
}

interface Connection<N> {
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  edges: { node: N }[];
}

/**
 * Every row of a list, page after page, through the same API query the page shows, with the
 * same filter: the CSV has exactly the rows the API returns for that filter, scoped as the API
 * scopes them (decision 0017). Read from the network, never the cache.
 */
async function allPages<N>(read: (after: string | null) => Promise<Connection<N>>): Promise<N[]> {
  const rows: N[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await read(after);
    rows.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return rows;
    if (rows.length >= MAX_EXPORT_ROWS) throw new TooManyRowsError();
    after = page.pageInfo.endCursor ?? null;
  }
}

type CaseRow = ExportCasesQuery['cases']['edges'][number]['node'];
type BreachRow = ExportSlaBreachesQuery['slaBreaches']['edges'][number]['node'];
type WorkItemRow = ExportSlaWorkListQuery['slaWorkList']['items'][number];

/** The SLA work list is one answer of at most this many entries (the API's largest), not pages. */
const WORK_LIST_MAX = 200;

/** What an export needs: the rows, their columns, and the file's name. */
export interface Export<R> {
  rows: R[];
  columns: CsvColumn<R>[];
}

export type ExportList =
  | { list: 'cases'; variables: Omit<ExportCasesQueryVariables, 'first' | 'after'> }
  | { list: 'slaBreaches'; variables: Omit<ExportSlaBreachesQueryVariables, 'first' | 'after'> }
  | { list: 'slaWorkList'; variables: Omit<ExportSlaWorkListQueryVariables, 'first'> };

/** Reads every row of the list and gives the columns to write, headed in the person's language. */
export async function readExport(
  client: ApolloClient,
  spec: ExportList,
  t: Translate,
  counterName: (id: string | null | undefined) => string,
): Promise<Export<CaseRow> | Export<BreachRow> | Export<WorkItemRow>> {
  if (spec.list === 'cases') {
    const rows = await allPages<CaseRow>(async (after) => {
      const r = await client.query({
        query: ExportCasesDocument,
        variables: { ...spec.variables, first: PAGE, after },
        fetchPolicy: 'network-only',
      });
      if (!r.data) throw r.error ?? new Error('no data');
      return r.data.cases;
    });
    const columns: CsvColumn<CaseRow>[] = [
      { header: t('export.col.reference'), cell: (c) => c.reference },
      { header: t('export.col.applicant'), cell: (c) => c.applicant.fullName },
      { header: t('export.col.nationality'), cell: (c) => c.applicant.nationality },
      { header: t('export.col.status'), cell: (c) => t(`status.${c.status}`) },
      { header: t('export.col.category'), cell: (c) => c.category },
      { header: t('export.col.employer'), cell: (c) => c.employer.name },
      { header: t('export.col.agency'), cell: (c) => c.agency?.name ?? '' },
      { header: t('export.col.submittedAt'), cell: (c) => csvDateTime(c.submittedAt) },
      { header: t('export.col.preExamDueAt'), cell: (c) => csvDateTime(c.preExamDueAt) },
    ];
    return { rows, columns };
  }
  if (spec.list === 'slaWorkList') {
    const r = await client.query({
      query: ExportSlaWorkListDocument,
      variables: { ...spec.variables, first: WORK_LIST_MAX },
      fetchPolicy: 'network-only',
    });
    if (!r.data) throw r.error ?? new Error('no data');
    const list = r.data.slaWorkList;
    if (list.totalCount > list.items.length) throw new TooManyRowsError();
    const columns: CsvColumn<WorkItemRow>[] = [
      { header: t('export.col.reference'), cell: (w) => w.case?.reference ?? '' },
      { header: t('export.col.applicant'), cell: (w) => w.case?.applicant.fullName ?? '' },
      { header: t('export.col.employer'), cell: (w) => w.case?.employer.name ?? '' },
      { header: t('export.col.agency'), cell: (w) => w.case?.agency?.name ?? '' },
      { header: t('export.col.clock'), cell: (w) => t(`sla.kind.${w.kind}`) },
      { header: t('export.col.level'), cell: (w) => t(`wl.level.${w.level}`) },
      { header: t('export.col.counter'), cell: (w) => (w.counterId ? counterName(w.counterId) : '') },
      { header: t('export.col.dueAt'), cell: (w) => csvDateTime(w.dueAt) },
      { header: t('export.col.overdueMinutes'), cell: (w) => String(w.overdueMinutes) },
      { header: t('export.col.acknowledged'), cell: (w) => (w.acknowledged ? '✓' : '') },
      { header: t('export.col.assignee'), cell: (w) => w.assignee?.name ?? '' },
    ];
    return { rows: list.items, columns };
  }
  const rows = await allPages<BreachRow>(async (after) => {
    const r = await client.query({
      query: ExportSlaBreachesDocument,
      variables: { ...spec.variables, first: PAGE, after },
      fetchPolicy: 'network-only',
    });
    if (!r.data) throw r.error ?? new Error('no data');
    return r.data.slaBreaches;
  });
  const columns: CsvColumn<BreachRow>[] = [
    { header: t('export.col.reference'), cell: (b) => b.case?.reference ?? '' },
    { header: t('export.col.applicant'), cell: (b) => b.case?.applicant.fullName ?? '' },
    { header: t('export.col.clock'), cell: (b) => t(`sla.kind.${b.kind}`) },
    { header: t('export.col.category'), cell: (b) => b.category ?? '' },
    { header: t('export.col.counter'), cell: (b) => (b.counterId ? counterName(b.counterId) : '') },
    { header: t('export.col.dueAt'), cell: (b) => csvDateTime(b.dueAt) },
    { header: t('export.col.breachedAt'), cell: (b) => csvDateTime(b.breachedAt) },
    { header: t('export.col.resolvedAt'), cell: (b) => csvDateTime(b.resolvedAt) },
  ];
  return { rows, columns };
}
