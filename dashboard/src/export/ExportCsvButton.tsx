import { useApolloClient, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { counterName } from '../format/counter';
import { beijingDate } from '../format/time';
import { ServiceCountersDocument } from '../generated/graphql';
import { useI18n } from '../i18n/i18n';
import { downloadCsv, toCsv, type CsvColumn } from './csv';
import { MAX_EXPORT_ROWS, readExport, TooManyRowsError, type ExportList } from './exporters';

/**
 * "Export CSV" for a list: reads every row the API returns for the list's filter (page after
 * page) and downloads them as a CSV that Excel opens (UTF-8 with BOM, Beijing time). One line
 * in a list's toolbar: `<ExportCsvButton list="cases" variables={{ filter }} />`.
 */
export function ExportCsvButton(props: ExportList & { name?: string }) {
  const { t, lang } = useI18n();
  const client = useApolloClient();
  const counters = useQuery(ServiceCountersDocument, { skip: props.list !== 'slaBreaches' });
  const [state, setState] = useState<{ busy: boolean; message: string | null }>({ busy: false, message: null });
  const run = async (): Promise<void> => {
    setState({ busy: true, message: null });
    try {
      const names = new Map((counters.data?.serviceCounters ?? []).map((c) => [c.id, counterName(c, lang)]));
      const out = await readExport(client, props, t, (id) => (id ? (names.get(id) ?? id) : ''));
      const text = toCsv(out.columns as CsvColumn<unknown>[], out.rows as unknown[]);
      downloadCsv(`onestop-${props.name ?? props.list}-${beijingDate()}.csv`, text);
      setState({ busy: false, message: t('export.done', { n: out.rows.length }) });
    } catch (err) {
      setState({
        busy: false,
        message:
          err instanceof TooManyRowsError
            ? t('export.tooMany', { max: MAX_EXPORT_ROWS.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB') })
            : t('export.failed', { error: (err as Error).message }),
      });
    }
  };
  return (
    <span className="export-csv no-print">
      <button
        type="button"
        className="button-quiet"
        onClick={() => void run()}
        disabled={state.busy}
        data-testid={`export-csv-${props.name ?? props.list}`}
      >
        {state.busy ? t('export.busy') : t('export.csv')}
      </button>
      <span role="status" className="muted export-status">
        {state.message}
      </span>
    </span>
  );
}
