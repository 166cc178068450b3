import type { SlaState } from '../../components/SlaBadge';

export interface CounterNowInput {
  open: boolean;
  waiting: number;
  /** How long the longest-waiting ticket has waited so far (null: nobody waits). */
  longestWaitMinutesNow: number | null;
}

/**
 * A counter's state NOW, from the queue at this moment (never from the day's figures): BREACHED
 * while someone has waited longer than the allowed wait, WARNING from the first warning
 * percentage, CLOSED when the counter is closed and nobody waits, else OK. A breach earlier in
 * the day is the counter's DAY (breaches today), shown beside it: it no longer colours the
 * counter once its queue has gone.
 */
export function counterNowState(
  c: CounterNowInput,
  allowedMinutes: number,
  warningPercents: readonly number[],
): SlaState {
  if (!c.open && c.waiting === 0) return 'CLOSED';
  if (c.longestWaitMinutesNow == null || c.waiting === 0) return 'OK';
  const ratio = (c.longestWaitMinutesNow / allowedMinutes) * 100;
  if (ratio >= 100) return 'BREACHED';
  const firstWarning = Math.min(...(warningPercents.length ? warningPercents : [50]));
  return ratio >= firstWarning ? 'WARNING' : 'OK';
}

const RANK: Record<SlaState, number> = { BREACHED: 0, WARNING: 1, OK: 2, UNKNOWN: 3, CLOSED: 4 };

/**
 * Most severe first: the state now, then people waiting while windows are idle, then the
 * longest current wait, then the day's breaches, then the queue.
 */
export function bySeverity(
  a: { state: SlaState; idleFlag: boolean; longest: number; breaches: number; waiting: number },
  b: { state: SlaState; idleFlag: boolean; longest: number; breaches: number; waiting: number },
): number {
  return (
    RANK[a.state] - RANK[b.state] ||
    Number(b.idleFlag) - Number(a.idleFlag) ||
    b.longest - a.longest ||
    b.breaches - a.breaches ||
    b.waiting - a.waiting
  );
}
