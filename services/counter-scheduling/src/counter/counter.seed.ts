import type { DataSource } from 'typeorm';
import type { OpeningHours } from './counter.entity.js';

const WEEKDAYS: OpeningHours[] = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '09:00', closes: '17:00' }));
const WITH_SATURDAY: OpeningHours[] = [...WEEKDAYS, { weekday: 6, opens: '09:00', closes: '12:00' }];

/**
 * The 15 one-stop counters across Beijing's districts (seed: "15 service counters spread
 * across the city"). Names and addresses describe each district's government service hall.
 */
// One counter per line: the table reads as a table.
// prettier-ignore
export const SEED_COUNTERS = [
  ['dongcheng', 'Dongcheng Government Service Center', 'Dongcheng', 'Dongcheng District Government Service Center, Hall 2', 3, WEEKDAYS],
  ['xicheng', 'Xicheng Government Service Center', 'Xicheng', 'Xicheng District Government Service Center, Hall 1', 3, WEEKDAYS],
  ['chaoyang-cbd', 'Chaoyang CBD International Talent Hub', 'Chaoyang', 'Central Business District, International Talent Service Hall', 6, WITH_SATURDAY],
  ['chaoyang-wangjing', 'Chaoyang Wangjing Service Station', 'Chaoyang', 'Wangjing Science and Technology Park, Service Station', 3, WEEKDAYS],
  ['haidian-zgc', 'Zhongguancun International Talent Center', 'Haidian', 'Zhongguancun Science Park, International Talent Center', 6, WITH_SATURDAY],
  ['fengtai', 'Fengtai Government Service Center', 'Fengtai', 'Fengtai District Government Service Center, Hall 3', 2, WEEKDAYS],
  ['shijingshan', 'Shijingshan Government Service Center', 'Shijingshan', 'Shijingshan District Government Service Center', 2, WEEKDAYS],
  ['tongzhou', 'Beijing Sub-center Service Hall', 'Tongzhou', 'Beijing Municipal Administrative Center, Service Hall', 4, WEEKDAYS],
  ['shunyi', 'Shunyi Airport Economic Zone Counter', 'Shunyi', 'Capital Airport Economic Zone, Service Counter', 3, WEEKDAYS],
  ['daxing-bda', 'Beijing Economic-Technological Development Area Counter', 'Daxing', 'Yizhuang, BDA Government Service Center', 4, WITH_SATURDAY],
  ['changping', 'Future Science City Counter', 'Changping', 'Changping Future Science City, Talent Service Station', 2, WEEKDAYS],
  ['fangshan', 'Fangshan Government Service Center', 'Fangshan', 'Fangshan District Government Service Center', 2, WEEKDAYS],
  ['mentougou', 'Mentougou Government Service Center', 'Mentougou', 'Mentougou District Government Service Center', 1, WEEKDAYS],
  ['huairou', 'Huairou Science City Counter', 'Huairou', 'Huairou Science City, Talent Service Center', 2, WEEKDAYS],
  ['daxing-airport', 'Daxing Airport Free Trade Zone Counter', 'Daxing', 'Daxing Airport Economic Zone, Service Counter', 2, WEEKDAYS],
] as const;

/** Inserts the 15 counters where missing; a manager's later edits are never overwritten. */
export async function seedCounters(ds: DataSource): Promise<void> {
  for (const [id, name, district, address, windows, hours] of SEED_COUNTERS) {
    await ds.query(
      `INSERT INTO cs.service_counter (id, name, district, address, windows, opening_hours, slot_minutes, capacity_per_slot)
       VALUES ($1, $2, $3, $4, $5, $6, 30, $7) ON CONFLICT (id) DO NOTHING`,
      [id, name, district, address, windows, JSON.stringify(hours), windows * 2],
    );
  }
}
