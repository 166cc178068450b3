import { useI18n } from '../i18n/i18n';

export type SlaState = 'OK' | 'WARNING' | 'BREACHED' | 'CLOSED' | 'UNKNOWN';

const ICONS: Record<SlaState, string> = { OK: '✓', WARNING: '▲', BREACHED: '✖', CLOSED: '—', UNKNOWN: '?' };

/** An SLA state as a word, an icon and a colour: colour is never the only signal. */
export function SlaBadge({ state, label }: { state: SlaState; label?: string }) {
  const { t } = useI18n();
  return (
    <span className={`sla sla-${state}`} data-sla-state={state}>
      <span aria-hidden="true">{ICONS[state]}</span>
      {label ?? t(`sla.state.${state}`)}
    </span>
  );
}

export function toSlaState(value: string | null | undefined): SlaState {
  switch (value) {
    case 'OK':
    case 'WARNING':
    case 'BREACHED':
    case 'CLOSED':
      return value;
    default:
      return 'UNKNOWN';
  }
}
