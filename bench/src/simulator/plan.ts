import { type Category, type Route } from '@onestop/common/contract';
import { DEMO_AGENCIES } from '@onestop/common/testing';
import type { Prng } from '../lib/prng.js';
import type { SimulatorConfig } from './config.js';

/** A counter as the simulator sees it (from `serviceCounters`). */
export interface SimCounter {
  id: string;
  name: string;
  windows: number;
}

/** What an applicant will do, drawn up front from the seed so the day replays exactly. */
export interface CasePlan {
  n: number;
  agency: (typeof DEMO_AGENCIES)[number];
  employerId: string;
  category: Category;
  route: Route;
  applicant: {
    fullName: string;
    nationality: string;
    passportNumber: string;
    dateOfBirth: string;
    sex: 'FEMALE' | 'MALE';
  };
  /** Minutes after the day starts that the case is filed (negative: overnight backlog). */
  filedAtMin: number;
  preExamDelayMin: number;
  returned: boolean;
  resubmitDelayMin: number;
  withdraws: boolean;
  withdrawDelayMin: number;
  counterId: string;
  /** Minutes after pre-examination passes that the agency books (B/C) or the applicant walks in (A). */
  bookOrWalkInDelayMin: number;
  /** Which of the first free slots the agency takes. */
  slotChoice: number;
  noShow: boolean;
  /** Arrival relative to the appointment's start, minutes. */
  arrivalOffsetMin: number;
  serviceMin: number;
  decisionDelayMin: number;
  workPermitRefused: boolean;
  residencePermitRefused: boolean;
  claimDelayMin: number;
}

const GIVEN = [
  'Anna',
  'Lukas',
  'Sofia',
  'Mateo',
  'Emma',
  'Noah',
  'Olga',
  'Kenji',
  'Amara',
  'Ravi',
  'Chloé',
  'Jonas',
  'Ines',
  'Tomás',
  'Hana',
  'Omar',
  'Lea',
  'David',
  'Mina',
  'Pierre',
];
const FAMILY = [
  'Müller',
  'Rossi',
  'García',
  'Smith',
  'Ivanova',
  'Tanaka',
  'Okafor',
  'Sharma',
  'Dubois',
  'Berg',
  'Silva',
  'Kowalski',
  'Novak',
  'Kim',
  'Haddad',
  'Jensen',
  'Costa',
  'Brown',
  'Park',
  'Martin',
];
const NATIONALITIES = [
  'DEU',
  'ITA',
  'ESP',
  'GBR',
  'RUS',
  'JPN',
  'NGA',
  'IND',
  'FRA',
  'NOR',
  'BRA',
  'POL',
  'CZE',
  'KOR',
  'LBN',
  'DNK',
  'PRT',
  'USA',
  'CAN',
  'AUS',
];

/**
 * Draws every case's plan from the seed, in a fixed order, before anything runs: the
 * results of requests (which slot is free, how long a call takes) never change the draws.
 */
export function planDay(cfg: SimulatorConfig, counters: readonly SimCounter[], rng: Prng): CasePlan[] {
  const openMinutes = Math.max(60, (cfg.endHour - cfg.startHour) * 60 - 60);
  const backlog = Math.round(cfg.cases * cfg.backlogShare);
  const daytime = cfg.cases - backlog;
  const meanGap = cfg.arrivalRate > 0 ? 60 / cfg.arrivalRate : openMinutes / Math.max(1, daytime);
  // Applicants pick counters by size, and three counters are popular (near the tech parks):
  // their queues grow, especially over lunch, and counter-wait clocks fire.
  const hot = new Set(rng.shuffle(counters.map((c) => c.id)).slice(0, Math.min(3, counters.length)));
  const counterWeights = counters.map((c) => [c.id, (Math.sqrt(c.windows) + 0.5) * (hot.has(c.id) ? 4 : 1)] as const);
  const plans: CasePlan[] = [];
  let t = 0;
  for (let n = 1; n <= cfg.cases; n++) {
    const agency = rng.pick(DEMO_AGENCIES);
    const category = rng.weighted<Category>([
      ['A', 0.25],
      ['B', 0.55],
      ['C', 0.2],
    ]);
    const route = rng.weighted<Route>([
      ['NOTIFICATION_LETTER', 0.55],
      ['IN_MAINLAND', 0.3],
      ['RENEWAL', 0.15],
    ]);
    const filedAtMin = n <= backlog ? -rng.int(30, 600) : (t += rng.exponential(meanGap));
    const older = rng.chance(0.08);
    const year = older ? rng.int(1958, 1965) : rng.int(1972, 2000);
    plans.push({
      n,
      agency,
      employerId: rng.pick(agency.employerIds),
      category,
      route,
      applicant: {
        fullName: `${rng.pick(GIVEN)} ${rng.pick(FAMILY)}`,
        nationality: rng.pick(NATIONALITIES),
        passportNumber: `${String.fromCharCode(65 + rng.int(0, 25))}${String(rng.int(10_000_000, 99_999_999))}`,
        dateOfBirth: `${year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
        sex: rng.chance(0.5) ? 'FEMALE' : 'MALE',
      },
      filedAtMin,
      preExamDelayMin: rng.exponential(cfg.preExamDelayMin),
      returned: rng.chance(cfg.returnRate),
      resubmitDelayMin: 10 + rng.exponential(50),
      withdraws: rng.chance(cfg.withdrawRate),
      withdrawDelayMin: 5 + rng.exponential(60),
      counterId: rng.weighted(counterWeights),
      bookOrWalkInDelayMin: 5 + rng.exponential(40),
      slotChoice: rng.int(0, 3),
      noShow: rng.chance(cfg.noShowRate),
      arrivalOffsetMin: rng.normal(-5, 6),
      serviceMin: Math.max(2, rng.logNormal(cfg.serviceMeanMin, cfg.serviceCv)),
      decisionDelayMin: rng.exponential(cfg.decisionDelayMin),
      workPermitRefused: rng.chance(cfg.refuseRate),
      residencePermitRefused: rng.chance(cfg.refuseRate),
      claimDelayMin: 10 + rng.exponential(cfg.claimDelayMin),
    });
  }
  // With the rate derived from `cases`, the day's filings are stretched to fit the opening hours
  // (a Poisson process may overrun them); an explicit rate is kept as given.
  const last = Math.max(0, ...plans.map((p) => p.filedAtMin));
  if (cfg.arrivalRate <= 0 && last > openMinutes)
    for (const p of plans) if (p.filedAtMin > 0) p.filedAtMin *= openMinutes / last;
  return plans;
}
