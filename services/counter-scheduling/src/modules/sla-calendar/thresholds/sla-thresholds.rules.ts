/** The rules of the configurable SLA thresholds (DOMAIN.md's (cfg) rows), pure. */
import { type SlaThresholds } from '@onestop/common/contract';

/** Limits of the configurable thresholds, with the reason for each. */
export const THRESHOLD_LIMITS = {
  counterWaitMinutes: { min: 1, max: 480 },
  passportCustodyWorkingDays: { min: 1, max: 60 },
  warningPercents: { min: 1, max: 99, maxCount: 5 },
} as const;

/**
 * Every problem with a set of thresholds (empty when valid): whole numbers within the limits;
 * warnings strictly ascending, so each is emitted once and in order.
 */
export function thresholdProblems(t: SlaThresholds): string[] {
  const problems: string[] = [];
  const { counterWaitMinutes: cw, passportCustodyWorkingDays: pc, warningPercents: wp } = THRESHOLD_LIMITS;
  if (!Number.isInteger(t.counterWaitMinutes) || t.counterWaitMinutes < cw.min || t.counterWaitMinutes > cw.max) {
    problems.push(
      `counterWaitMinutes: must be a whole number of minutes from ${cw.min} to ${cw.max}, got ${t.counterWaitMinutes}`,
    );
  }
  if (
    !Number.isInteger(t.passportCustodyWorkingDays) ||
    t.passportCustodyWorkingDays < pc.min ||
    t.passportCustodyWorkingDays > pc.max
  ) {
    problems.push(
      `passportCustodyWorkingDays: must be a whole number of working days from ${pc.min} to ${pc.max}, got ${t.passportCustodyWorkingDays}`,
    );
  }
  if (t.warningPercents.length > wp.maxCount) {
    problems.push(`warningPercents: at most ${wp.maxCount} warnings, got ${t.warningPercents.length}`);
  }
  t.warningPercents.forEach((p, i) => {
    if (!Number.isInteger(p) || p < wp.min || p > wp.max) {
      problems.push(
        `warningPercents[${i}]: must be a whole percentage from ${wp.min} to ${wp.max} (100 is the breach), got ${p}`,
      );
    } else if (i > 0 && p <= t.warningPercents[i - 1]!) {
      problems.push(
        `warningPercents[${i}]: ${p} must be greater than the warning before it (${t.warningPercents[i - 1]})`,
      );
    }
  });
  return problems;
}
