/**
 * Fixed identities of the reference and demo data, so dev tokens, the simulator, tests and
 * the README can name them. Seeded by work-permit (employers, agencies) and
 * counter-scheduling (counters) when missing; never in production mode. The credit codes carry
 * a valid GB 32100-2015 check character (work-permit validates it on registration).
 */
export const DEMO_EMPLOYERS = [
  {
    id: '0b7f6d0e-1c2a-4c1e-9a51-000000000001',
    name: 'Beijing Zhongguancun Robotics Co., Ltd.',
    creditCode: '91110108MA01A1B2C7',
  },
  {
    id: '0b7f6d0e-1c2a-4c1e-9a51-000000000002',
    name: 'Chaoyang International School',
    creditCode: '52110105MJ0123456N',
  },
  { id: '0b7f6d0e-1c2a-4c1e-9a51-000000000003', name: 'Yizhuang Biopharma Ltd.', creditCode: '91110302MA02C3D4EY' },
  { id: '0b7f6d0e-1c2a-4c1e-9a51-000000000004', name: 'Wangjing Software Studio', creditCode: '91110105MA03E5F6G4' },
] as const;

export const DEMO_AGENCIES = [
  {
    id: 'a9e1c3f0-5b7d-4e2a-8c10-000000000001',
    name: 'Capital Talent Services Agency',
    employerIds: [DEMO_EMPLOYERS[0].id, DEMO_EMPLOYERS[1].id],
  },
  {
    id: 'a9e1c3f0-5b7d-4e2a-8c10-000000000002',
    name: 'Yizhuang Expat Relocation Partners',
    employerIds: [DEMO_EMPLOYERS[2].id, DEMO_EMPLOYERS[3].id],
  },
] as const;
