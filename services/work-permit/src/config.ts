import { EnvReader, StartupError } from '@onestop/common';
import { DEFAULT_RENEWAL_WINDOW, type RenewalWindow } from './case/case-filing.rules.js';

/** work-permit's own settings (the shared ones come from loadCommonConfig). */
export interface WorkPermitConfig {
  /** DOMAIN.md (cfg): a renewal is filed 30–90 days before the current permits expire. */
  renewalWindow: RenewalWindow;
}

/** Reads and validates work-permit's settings; a bad value stops the start-up with one line. */
export function loadWorkPermitConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): WorkPermitConfig {
  const r = new EnvReader(env);
  const minDaysBeforeExpiry = r.int(
    'RENEWAL_MIN_DAYS_BEFORE_EXPIRY',
    DEFAULT_RENEWAL_WINDOW.minDaysBeforeExpiry,
    1,
    365,
  );
  const maxDaysBeforeExpiry = r.int(
    'RENEWAL_MAX_DAYS_BEFORE_EXPIRY',
    DEFAULT_RENEWAL_WINDOW.maxDaysBeforeExpiry,
    1,
    730,
  );
  if (maxDaysBeforeExpiry < minDaysBeforeExpiry) {
    throw new StartupError(
      `RENEWAL_MAX_DAYS_BEFORE_EXPIRY (${maxDaysBeforeExpiry}) must not be less than RENEWAL_MIN_DAYS_BEFORE_EXPIRY (${minDaysBeforeExpiry}).`,
    );
  }
  return { renewalWindow: { minDaysBeforeExpiry, maxDaysBeforeExpiry } };
}
