/**
 * Beijing's 16 districts by their official Chinese names (Miyun and Yanqing became districts
 * in 2015, so no county is left). A counter's `districtZh` is one of them.
 */
export const BEIJING_DISTRICTS_ZH = [
  '东城区',
  '西城区',
  '朝阳区',
  '丰台区',
  '石景山区',
  '海淀区',
  '门头沟区',
  '房山区',
  '通州区',
  '顺义区',
  '昌平区',
  '大兴区',
  '怀柔区',
  '平谷区',
  '密云区',
  '延庆区',
] as const;

/** True when `s` is the official Chinese name of one of Beijing's districts. */
export function isBeijingDistrictZh(s: string): boolean {
  return (BEIJING_DISTRICTS_ZH as readonly string[]).includes(s);
}
