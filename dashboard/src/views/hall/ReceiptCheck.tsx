import { ApolloProvider, useQuery } from '@apollo/client/react';
import { useEffect, useMemo } from 'react';
import { createPublicApi } from '../../api/public-client';
import { LanguageSwitch } from '../../app/Layout';
import { Errors } from '../../components/Errors';
import { formatDay } from '../../format/time';
import { ReceiptOfAcceptanceDocument } from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';

/**
 * The public receipt look-up the QR code on a receipt of acceptance opens: valid or not, and
 * the day of issue, nothing else (a hotel or a police officer checks it without signing in).
 */
export default function ReceiptCheck({ number }: { number: string }) {
  const api = useMemo(() => createPublicApi(), []);
  useEffect(() => () => api.dispose(), [api]);
  return (
    <ApolloProvider client={api.apollo}>
      <Check number={number} />
    </ApolloProvider>
  );
}

function Check({ number }: { number: string }) {
  const { t, lang } = useI18n();
  const { data, error } = useQuery(ReceiptOfAcceptanceDocument, { variables: { number } });
  const r = data?.receiptOfAcceptance;
  return (
    <>
      <header className="banner" role="banner">
        <div className="brand">
          <span className="brand-name">{t('app.title')}</span>
          <span className="brand-sub">{t('app.subtitle')}</span>
        </div>
        <div className="banner-tools">
          <LanguageSwitch />
        </div>
      </header>
      <main id="main" className="signin">
        <h1>{t('receiptCheck.title', { n: number })}</h1>
        <Errors error={error} />
        {r && (
          <p
            role="status"
            className={r.valid ? 'ok-text' : 'error-text'}
            data-testid="receipt-check"
            data-valid={String(r.valid)}
          >
            {r.valid
              ? t('receiptCheck.valid', { date: r.issuedOn ? formatDay(r.issuedOn, lang) : '' })
              : t('receiptCheck.invalid')}
          </p>
        )}
      </main>
    </>
  );
}
