import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each counter gets its name and district in Simplified Chinese, for the dashboard's Chinese
 * UI. The 15 seeded counters get theirs here (on a new database the table is still empty and
 * the seed writes them instead). The values are written out, not imported from the seed, so
 * this migration does the same thing whenever it runs. A counter the seed did not make keeps
 * its English name and district in the Chinese columns until a manager gives it Chinese ones,
 * so both columns can be NOT NULL.
 */
export class CsCounterChineseNames1764201607000 implements MigrationInterface {
  name = 'CsCounterChineseNames1764201607000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cs.service_counter ADD COLUMN name_zh text, ADD COLUMN district_zh text`);
    await q.query(
      `UPDATE cs.service_counter c SET name_zh = v.name_zh, district_zh = v.district_zh
         FROM (VALUES
           ('dongcheng', '东城区政务服务中心', '东城区'),
           ('xicheng', '西城区政务服务中心', '西城区'),
           ('chaoyang-cbd', '朝阳CBD国际人才港', '朝阳区'),
           ('chaoyang-wangjing', '朝阳望京服务站', '朝阳区'),
           ('haidian-zgc', '中关村国际人才中心', '海淀区'),
           ('fengtai', '丰台区政务服务中心', '丰台区'),
           ('shijingshan', '石景山区政务服务中心', '石景山区'),
           ('tongzhou', '北京城市副中心服务大厅', '通州区'),
           ('shunyi', '顺义临空经济区服务窗口', '顺义区'),
           ('daxing-bda', '北京经济技术开发区服务窗口', '大兴区'),
           ('changping', '未来科学城服务窗口', '昌平区'),
           ('fangshan', '房山区政务服务中心', '房山区'),
           ('mentougou', '门头沟区政务服务中心', '门头沟区'),
           ('huairou', '怀柔科学城服务窗口', '怀柔区'),
           ('daxing-airport', '大兴机场自贸区服务窗口', '大兴区')
         ) AS v(id, name_zh, district_zh)
        WHERE c.id = v.id`,
    );
    await q.query(
      `UPDATE cs.service_counter SET name_zh = coalesce(name_zh, name), district_zh = coalesce(district_zh, district)
        WHERE name_zh IS NULL OR district_zh IS NULL`,
    );
    await q.query(
      `ALTER TABLE cs.service_counter ALTER COLUMN name_zh SET NOT NULL, ALTER COLUMN district_zh SET NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cs.service_counter DROP COLUMN district_zh, DROP COLUMN name_zh`);
  }
}
