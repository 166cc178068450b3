import { formatDuration } from '../../format/time';
import type { Lang } from '../../i18n/dictionary';

/** Minutes as "12 min" / "12 分钟", or a dash when unknown. */
export function minutes(v: number | null | undefined, lang: Lang): string {
  return v == null ? '—' : formatDuration(v * 60, lang);
}
