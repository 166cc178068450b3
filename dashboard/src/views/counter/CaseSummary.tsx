import type { CounterCaseQuery } from '../../generated/graphql';
import { formatDateTime } from '../../format/time';
import { useI18n } from '../../i18n/i18n';

export type CounterCase = NonNullable<CounterCaseQuery['case']>;

/** Who is at the desk: reference, applicant, passport, category, employer, appointment, status. */
export function CaseSummary({ c }: { c: CounterCase }) {
  const { t, lang } = useI18n();
  return (
    <dl className="facts" data-testid="case-summary">
      <dt>{t('case.reference')}</dt>
      <dd data-testid="summary-reference">{c.reference}</dd>
      <dt>{t('case.applicant')}</dt>
      <dd>
        {c.applicant.fullName} · {c.applicant.nationality}
      </dd>
      <dt>{t('case.passport')}</dt>
      <dd>{c.applicant.passportNumber}</dd>
      <dt>{t('queue.category')}</dt>
      <dd>{t('case.category', { c: c.category })}</dd>
      <dt>{t('case.employer')}</dt>
      <dd>{c.employer.name}</dd>
      {c.appointment && (
        <>
          <dt>{t('case.appointment')}</dt>
          <dd>
            {c.appointment.letterNumber} · {formatDateTime(c.appointment.slotStart, lang)}
          </dd>
        </>
      )}
      <dt>{t('case.statusLabel')}</dt>
      <dd data-testid="summary-status">{t(`status.${c.status}`)}</dd>
    </dl>
  );
}
