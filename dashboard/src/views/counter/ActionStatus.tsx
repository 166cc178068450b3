import { Errors } from '../../components/Errors';
import { useI18n } from '../../i18n/i18n';

/**
 * What became of a clerk action: the API's refusal in its own words, or, when the answer was
 * lost, that the connection failed and that trying again is safe (same idempotency key).
 */
export function ActionStatus({
  action,
  testId,
  onRetried,
}: {
  action: { lost: boolean; error: unknown; retry(): Promise<unknown> };
  testId?: string;
  /** After a successful retry: what the page does after the action (refresh, move focus on). */
  onRetried?(result: unknown): void;
}) {
  const { t } = useI18n();
  if (action.lost) {
    return (
      <div role="alert" className="error" data-testid="connection-lost">
        <p>{navigator.onLine ? t('act.retrySafe') : t('act.offline')}</p>
        <button
          type="button"
          onClick={async () => {
            const result = await action.retry();
            if (result) onRetried?.(result);
          }}
        >
          {t('act.retry')}
        </button>
      </div>
    );
  }
  return action.error ? <Errors error={action.error} testId={testId} /> : null;
}
