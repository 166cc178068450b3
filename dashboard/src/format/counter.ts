import type { Lang } from '../i18n/dictionary';

/** A counter's name as the API gives it: English, and Simplified Chinese where the query asked for it. */
export interface CounterNames {
  name: string;
  nameZh?: string | null;
}

/** A counter's district as the API gives it: English, and Simplified Chinese where the query asked for it. */
export interface CounterDistricts {
  district: string;
  districtZh?: string | null;
}

/** The counter's name in the UI's language (English when there is no Chinese one). */
export function counterName(c: CounterNames, lang: Lang): string {
  return lang === 'zh' && c.nameZh ? c.nameZh : c.name;
}

/** The counter's district in the UI's language: the official Chinese name (e.g. 朝阳区) in Chinese. */
export function districtName(c: CounterDistricts, lang: Lang): string {
  return lang === 'zh' && c.districtZh ? c.districtZh : c.district;
}
