import { useQuery } from '@apollo/client/react';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link } from '../../app/Link';
import { canSearchByPassport } from '../../app/permissions';
import { casePath, navigate } from '../../app/router';
import { useSignedIn } from '../../app/session-context';
import { Errors } from '../../components/Errors';
import { ExportCsvButton } from '../../export/ExportCsvButton';
import { formatDateTime } from '../../format/time';
import { SearchCasesDocument, type CaseSearchBy } from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';

const ALL_BY: CaseSearchBy[] = ['APPLICANT_NAME', 'REFERENCE_PREFIX', 'EMPLOYER', 'PASSPORT_PREFIX'];
const PAGE = 25;

/** A search kind from the address bar, or the name search. */
export function searchBy(value: string | undefined): CaseSearchBy {
  return (ALL_BY as string[]).includes(value ?? '') ? (value as CaseSearchBy) : 'APPLICANT_NAME';
}

/**
 * Search (issue 13, item 5): by applicant name (Latin letters or Chinese characters, part of
 * it, accents and case ignored), passport or reference prefix, employer. The search is in the
 * address (`/search?by=…&q=…`), so Back returns to the results; the API writes each search to
 * the access log and scopes the results (an agency sees only its employers' cases).
 */
export default function SearchView({ by: initialBy, q }: { by?: string; q?: string }) {
  const { t, lang } = useI18n();
  const { session } = useSignedIn();
  const role = session.claims.role;
  const kinds = ALL_BY.filter((b) => b !== 'PASSPORT_PREFIX' || canSearchByPassport(role));
  const by = searchBy(initialBy);
  const [draftBy, setDraftBy] = useState<CaseSearchBy>(by);
  const [text, setText] = useState(q ?? '');
  const byId = useId();
  const textId = useId();
  const input = useRef<HTMLInputElement>(null);
  // Back and Forward change the search in the address: the form follows (state adjusted in render).
  const [shown, setShown] = useState({ by, q });
  if (shown.by !== by || shown.q !== q) {
    setShown({ by, q });
    setDraftBy(by);
    setText(q ?? '');
  }
  useEffect(() => input.current?.focus(), []);
  const filter = q ? { search: { by, text: q } } : null;
  const result = useQuery(SearchCasesDocument, {
    variables: { filter: filter ?? {}, first: PAGE },
    skip: !filter,
    fetchPolicy: 'network-only',
  });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const value = text.trim();
    if (!value) return;
    navigate(`/search?by=${draftBy}&q=${encodeURIComponent(value)}`);
  };
  const conn = result.data?.cases;
  return (
    <div className="search-page">
      <h1>{t('search.title')}</h1>
      <section className="panel" aria-labelledby="search-form-h">
        <h2 id="search-form-h" className="visually-hidden">
          {t('search.formTitle')}
        </h2>
        <form className="toolbar search-form" role="search" onSubmit={submit}>
          <label htmlFor={byId}>
            {t('search.by')}
            <select
              id={byId}
              value={draftBy}
              onChange={(e) => setDraftBy(e.target.value as CaseSearchBy)}
              data-testid="search-by"
            >
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {t(`search.by.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label htmlFor={textId} className="search-text">
            {t('search.text')}
            <input
              id={textId}
              ref={input}
              type="search"
              value={text}
              maxLength={100}
              onChange={(e) => setText(e.target.value)}
              placeholder={t(`search.placeholder.${draftBy}`)}
              aria-describedby={`${textId}-help`}
              data-testid="search-text"
            />
          </label>
          <button type="submit" className="button" data-testid="search-submit">
            {t('search.submit')}
          </button>
        </form>
        <p className="help" id={`${textId}-help`}>
          {t(`search.help.${draftBy}`)} {t('search.logged')}
        </p>
      </section>
      {filter && (
        <section className="panel" aria-labelledby="search-results-h" aria-busy={result.loading}>
          <div className="section-head">
            <h2 id="search-results-h">
              {conn ? t('search.found', { n: conn.totalCount, q: q ?? '' }) : t('search.searching')}
            </h2>
            {conn && conn.totalCount > 0 && (
              <ExportCsvButton list="cases" name="search" variables={{ filter, orderBy: 'SUBMITTED_DESC' }} />
            )}
          </div>
          <Errors error={result.error} />
          {conn && conn.edges.length === 0 && <p className="muted">{t('search.none')}</p>}
          {conn && conn.edges.length > 0 && (
            <div className="table-scroll">
              <table data-testid="search-results">
                <thead>
                  <tr>
                    <th scope="col">{t('export.col.reference')}</th>
                    <th scope="col">{t('export.col.applicant')}</th>
                    <th scope="col">{t('export.col.status')}</th>
                    <th scope="col">{t('export.col.employer')}</th>
                    <th scope="col">{t('export.col.submittedAt')}</th>
                  </tr>
                </thead>
                <tbody>
                  {conn.edges.map(({ node: c }) => (
                    <tr key={c.id} data-testid="search-row" data-case-id={c.id}>
                      <td>
                        <Link to={casePath(c.id)}>{c.reference}</Link>
                      </td>
                      <td lang={/\p{Script=Han}/u.test(c.applicant.fullName) ? 'zh-CN' : undefined}>
                        {c.applicant.fullName}
                      </td>
                      <td>{t(`status.${c.status}`)}</td>
                      <td>{c.employer.name}</td>
                      <td>{formatDateTime(c.submittedAt, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {conn?.pageInfo.hasNextPage && (
            <button
              type="button"
              className="button"
              data-testid="search-more"
              onClick={() =>
                void result.fetchMore({
                  variables: { after: conn.pageInfo.endCursor },
                  updateQuery: (prev, { fetchMoreResult }) => ({
                    cases: { ...fetchMoreResult.cases, edges: [...prev.cases.edges, ...fetchMoreResult.cases.edges] },
                  }),
                })
              }
            >
              {t('search.more')}
            </button>
          )}
        </section>
      )}
    </div>
  );
}
