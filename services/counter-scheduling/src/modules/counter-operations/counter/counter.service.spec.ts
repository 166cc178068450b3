import type { QueryRunner } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { CsCounterChineseNames1764201607000 } from '../../../migrations/1764201607000-counter-chinese-names.js';
import { BEIJING_DISTRICTS_ZH, isBeijingDistrictZh } from './beijing-districts.js';
import { SEED_COUNTERS } from './counter.seed.js';
import { counterInputProblems } from './counter.service.js';

const DISTRICT_PROBLEM = (got: string): string =>
  `districtZh must be the official name of one of Beijing's 16 districts (${BEIJING_DISTRICTS_ZH.join(', ')}), got "${got}"`;

describe('counter settings: the Chinese name and district', () => {
  it('accepts a Chinese name (Latin letters beside Chinese ones are fine) and an official district', () => {
    expect(counterInputProblems({ nameZh: '朝阳CBD国际人才港', districtZh: '朝阳区' })).toEqual([]);
    expect(counterInputProblems({ nameZh: '  石景山区政务服务中心 ', districtZh: ' 石景山区 ' })).toEqual([]);
    expect(counterInputProblems({ districtZh: '延庆区' })).toEqual([]);
  });

  it('lists every problem at once: empty, too long, no Chinese character, not a Beijing district', () => {
    expect(counterInputProblems({ nameZh: '  ', districtZh: '' })).toEqual([
      'nameZh must not be empty',
      'districtZh must not be empty',
    ]);
    expect(counterInputProblems({ nameZh: '中'.repeat(101), districtZh: '区'.repeat(21) })).toEqual([
      'nameZh must be at most 100 characters, got 101',
      'districtZh must be at most 20 characters, got 21',
    ]);
    expect(counterInputProblems({ nameZh: 'Chaoyang CBD Hub', districtZh: 'Chaoyang' })).toEqual([
      'nameZh must contain Chinese characters, got "Chaoyang CBD Hub"',
      DISTRICT_PROBLEM('Chaoyang'),
    ]);
    // The short form and a district of another city are not the official name of a Beijing district.
    expect(counterInputProblems({ districtZh: '朝阳' })).toEqual([DISTRICT_PROBLEM('朝阳')]);
    expect(counterInputProblems({ districtZh: '浦东新区' })).toEqual([DISTRICT_PROBLEM('浦东新区')]);
  });

  it('reports the Chinese fields beside the other problems of the same edit', () => {
    expect(counterInputProblems({ name: '', nameZh: 'Wangjing', windows: 0 })).toEqual([
      'name must not be empty',
      'nameZh must contain Chinese characters, got "Wangjing"',
      'windows must be a whole number from 1 to 50, got 0',
    ]);
  });
});

describe('the seeded counters in Chinese', () => {
  it('gives each of the 15 counters a Chinese name and the official name of its district', () => {
    expect(SEED_COUNTERS).toHaveLength(15);
    const districtZhOf = new Map<string, string>();
    for (const [id, , nameZh, district, districtZh] of SEED_COUNTERS) {
      expect(counterInputProblems({ nameZh, districtZh }), id).toEqual([]);
      // One English district has one Chinese name across the counters.
      expect(districtZhOf.get(district) ?? districtZh, id).toBe(districtZh);
      districtZhOf.set(district, districtZh);
    }
    expect(new Set(SEED_COUNTERS.map(([, , nameZh]) => nameZh)).size).toBe(15);
    expect(isBeijingDistrictZh('朝阳区')).toBe(true);
  });

  it('fills an existing database (the migration) with the same names as the seed writes into a new one', async () => {
    const sql: string[] = [];
    await new CsCounterChineseNames1764201607000().up({
      query: async (q: string) => void sql.push(q),
    } as unknown as QueryRunner);
    const filled = [...sql.join('\n').matchAll(/\('([a-z-]+)', '([^']+)', '([^']+)'\)/g)].map(([, id, n, d]) => [
      id,
      n,
      d,
    ]);
    expect(filled).toEqual(SEED_COUNTERS.map(([id, , nameZh, , districtZh]) => [id, nameZh, districtZh]));
    expect(sql.at(-1)).toContain('SET NOT NULL');
  });
});
