import { useQuery } from '@apollo/client/react';
import { Link } from '../../app/Link';
import { useSignedIn } from '../../app/session-context';
import { useRememberedWindow } from '../../clerk/workstation';
import { counterName } from '../../format/counter';
import { CounterWorkstationDocument } from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';

/** The header's "where I work": the counter of the token and this computer's window, changeable. */
export function WorkstationBadge() {
  const { t, lang } = useI18n();
  const { session } = useSignedIn();
  const counterId = session.claims.counterId;
  const [window] = useRememberedWindow(counterId);
  const { data } = useQuery(CounterWorkstationDocument, {
    variables: { counterId: counterId ?? '' },
    skip: !counterId,
  });
  if (!counterId) return null;
  const counter = data?.serviceCounter ? counterName(data.serviceCounter, lang) : counterId;
  return (
    <span className="workstation" data-testid="workstation">
      <span>{window ? t('ws.where', { counter, window }) : t('ws.noWindow', { counter })}</span>{' '}
      <Link to="/counter/window" className="button-quiet">
        {t('ws.change')}
      </Link>
    </span>
  );
}
