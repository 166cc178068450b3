import type { DataSource } from 'typeorm';
import type { OpeningHours } from './counter.entity.js';

const WEEKDAYS: OpeningHours[] = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '09:00', closes: '17:00' }));
const WITH_SATURDAY: OpeningHours[] = [...WEEKDAYS, { weekday: 6, opens: '09:00', closes: '12:00' }];

/**
 * The 15 one-stop counters across Beijing's districts (seed: "15 service counters spread
 * across the city"). Names and addresses describe each district's government service hall;
 * each name and district also has its Simplified Chinese form (the districts' official names,
 * 政务服务中心 for a government service center). The seed guide names no counter, so these are
 * descriptive names, not official ones.
 */
// One counter per line: the table reads as a table.
// prettier-ignore
export const SEED_COUNTERS = [
  ['dongcheng', 'Dongcheng Government Service Center', '东城区政务服务中心', 'Dongcheng', '东城区', 'Dongcheng District Government Service Center, Hall 2', 3, WEEKDAYS],
  ['xicheng', 'Xicheng Government Service Center', '西城区政务服务中心', 'Xicheng', '西城区', 'Xicheng District Government Service Center, Hall 1', 3, WEEKDAYS],
  ['chaoyang-cbd', 'Chaoyang CBD International Talent Hub', '朝阳CBD国际人才港', 'Chaoyang', '朝阳区', 'Central Business District, International Talent Service Hall', 6, WITH_SATURDAY],
  ['chaoyang-wangjing', 'Chaoyang Wangjing Service Station', '朝阳望京服务站', 'Chaoyang', '朝阳区', 'Wangjing Science and Technology Park, Service Station', 3, WEEKDAYS],
  ['haidian-zgc', 'Zhongguancun International Talent Center', '中关村国际人才中心', 'Haidian', '海淀区', 'Zhongguancun Science Park, International Talent Center', 6, WITH_SATURDAY],
  ['fengtai', 'Fengtai Government Service Center', '丰台区政务服务中心', 'Fengtai', '丰台区', 'Fengtai District Government Service Center, Hall 3', 2, WEEKDAYS],
  ['shijingshan', 'Shijingshan Government Service Center', '石景山区政务服务中心', 'Shijingshan', '石景山区', 'Shijingshan District Government Service Center', 2, WEEKDAYS],
  ['tongzhou', 'Beijing Sub-center Service Hall', '北京城市副中心服务大厅', 'Tongzhou', '通州区', 'Beijing Municipal Administrative Center, Service Hall', 4, WEEKDAYS],
  ['shunyi', 'Shunyi Airport Economic Zone Counter', '顺义临空经济区服务窗口', 'Shunyi', '顺义区', 'Capital Airport Economic Zone, Service Counter', 3, WEEKDAYS],
  ['daxing-bda', 'Beijing Economic-Technological Development Area Counter', '北京经济技术开发区服务窗口', 'Daxing', '大兴区', 'Yizhuang, BDA Government Service Center', 4, WITH_SATURDAY],
  ['changping', 'Future Science City Counter', '未来科学城服务窗口', 'Changping', '昌平区', 'Changping Future Science City, Talent Service Station', 2, WEEKDAYS],
  ['fangshan', 'Fangshan Government Service Center', '房山区政务服务中心', 'Fangshan', '房山区', 'Fangshan District Government Service Center', 2, WEEKDAYS],
  ['mentougou', 'Mentougou Government Service Center', '门头沟区政务服务中心', 'Mentougou', '门头沟区', 'Mentougou District Government Service Center', 1, WEEKDAYS],
  ['huairou', 'Huairou Science City Counter', '怀柔科学城服务窗口', 'Huairou', '怀柔区', 'Huairou Science City, Talent Service Center', 2, WEEKDAYS],
  ['daxing-airport', 'Daxing Airport Free Trade Zone Counter', '大兴机场自贸区服务窗口', 'Daxing', '大兴区', 'Daxing Airport Economic Zone, Service Counter', 2, WEEKDAYS],
] as const;

/**
 * Where each seeded counter is (WGS 84, approximate: the district's service hall or the zone
 * the counter serves), for "the nearest counters with a shorter wait" on the counter page.
 */
export const SEED_COUNTER_LOCATIONS: Readonly<Record<(typeof SEED_COUNTERS)[number][0], readonly [number, number]>> = {
  dongcheng: [39.9289, 116.4164],
  xicheng: [39.9123, 116.366],
  'chaoyang-cbd': [39.9087, 116.4605],
  'chaoyang-wangjing': [39.9961, 116.4806],
  'haidian-zgc': [39.9836, 116.3164],
  fengtai: [39.8584, 116.287],
  shijingshan: [39.9066, 116.2229],
  tongzhou: [39.9097, 116.7313],
  shunyi: [40.0803, 116.5867],
  'daxing-bda': [39.7953, 116.506],
  changping: [40.109, 116.428],
  fangshan: [39.7356, 116.143],
  mentougou: [39.9405, 116.102],
  huairou: [40.407, 116.68],
  'daxing-airport': [39.5098, 116.4105],
};

/** Inserts the 15 counters where missing; a manager's later edits are never overwritten. */
export async function seedCounters(ds: DataSource): Promise<void> {
  for (const [id, name, nameZh, district, districtZh, address, windows, hours] of SEED_COUNTERS) {
    await ds.query(
      `INSERT INTO cs.service_counter (id, name, name_zh, district, district_zh, address, windows, opening_hours, slot_minutes, capacity_per_slot)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 30, $9) ON CONFLICT (id) DO NOTHING`,
      [id, name, nameZh, district, districtZh, address, windows, JSON.stringify(hours), windows * 2],
    );
    const [latitude, longitude] = SEED_COUNTER_LOCATIONS[id];
    await ds.query(
      `UPDATE cs.service_counter SET latitude = $2, longitude = $3 WHERE id = $1 AND latitude IS NULL AND longitude IS NULL`,
      [id, latitude, longitude],
    );
  }
}
