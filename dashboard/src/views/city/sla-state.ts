import type { SlaState } from '../../components/SlaBadge';

export interface CounterSlaInput {
  open: boolean;
  p90WaitMinutes: number | null;
  /** An open counter-wait breach at this counter. */
  openBreach: boolean;
}

/**
 * A counter's SLA state for the city view: BREACHED while a counter-wait breach is open
 * there or today's p90 wait exceeds the allowed wait; WARNING from the first warning
 * percentage; CLOSED when the counter is closed and nobody waits.
 */
export function counterSlaState(
  c: CounterSlaInput,
  allowedMinutes: number,
  warningPercents: readonly number[],
): SlaState {
  if (c.openBreach) return 'BREACHED';
  if (!c.open) return 'CLOSED';
  if (c.p90WaitMinutes == null) return 'OK';
  const ratio = (c.p90WaitMinutes / allowedMinutes) * 100;
  if (ratio >= 100) return 'BREACHED';
  const firstWarning = Math.min(...(warningPercents.length ? warningPercents : [50]));
  return ratio >= firstWarning ? 'WARNING' : 'OK';
}
