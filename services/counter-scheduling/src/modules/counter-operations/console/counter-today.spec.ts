import { describe, expect, it } from 'vitest';
import { queueWaitsWhileIdle } from '../load/counter-load.service.js';
import { distanceKm, expectedWaitMinutes, nearestShorter } from './counter-today.service.js';

describe('counter page rules', () => {
  it('expects the wait from the people ahead, the windows open and the day’s service time', () => {
    expect(expectedWaitMinutes({ open: true, waiting: 6, windowsOpen: 2 }, 10)).toBe(30);
    expect(expectedWaitMinutes({ open: true, waiting: 6, windowsOpen: 2 }, null)).toBe(45); // 15 min before the first visit is done
    expect(expectedWaitMinutes({ open: true, waiting: 0, windowsOpen: 1 }, 20)).toBe(0);
    expect(expectedWaitMinutes({ open: true, waiting: 3, windowsOpen: 0 }, 10)).toBeNull(); // nobody at a window
    expect(expectedWaitMinutes({ open: false, waiting: 0, windowsOpen: 2 }, 10)).toBeNull();
  });

  it('measures distance along the earth (Dongcheng to Xicheng is about 4.7 km)', () => {
    expect(distanceKm([39.9289, 116.4164], [39.9123, 116.366])).toBeCloseTo(4.7, 1);
    expect(distanceKm([39.9, 116.4], [39.9, 116.4])).toBe(0);
  });

  it('suggests the nearest counters with a shorter wait, never one without a location or a promise', () => {
    const here = { location: [39.9, 116.4] as const, expectedWaitMinutes: 40 };
    const others = [
      { counterId: 'far-short', location: [40.4, 116.7] as const, expectedWaitMinutes: 0, waiting: 0, windowsOpen: 2 },
      {
        counterId: 'near-short',
        location: [39.91, 116.41] as const,
        expectedWaitMinutes: 10,
        waiting: 1,
        windowsOpen: 1,
      },
      {
        counterId: 'near-long',
        location: [39.9, 116.41] as const,
        expectedWaitMinutes: 60,
        waiting: 8,
        windowsOpen: 1,
      },
      {
        counterId: 'unstaffed',
        location: [39.9, 116.401] as const,
        expectedWaitMinutes: null,
        waiting: 3,
        windowsOpen: 0,
      },
      { counterId: 'nowhere', location: null, expectedWaitMinutes: 0, waiting: 0, windowsOpen: 1 },
    ];
    expect(nearestShorter(here, others).map((n) => n.counterId)).toEqual(['near-short', 'far-short']);
    expect(nearestShorter(here, others, 1).map((n) => n.counterId)).toEqual(['near-short']);
    expect(nearestShorter({ location: null, expectedWaitMinutes: 40 }, others)).toEqual([]);
    // A counter where no wait can be promised: any staffed counter is shorter.
    expect(nearestShorter({ ...here, expectedWaitMinutes: null }, others).map((n) => n.counterId)).toEqual([
      'near-long',
      'near-short',
      'far-short',
    ]);
  });

  it('flags a queue that has waited while windows are idle, not a gap between two calls', () => {
    expect(queueWaitsWhileIdle(12, 20, 2)).toBe(true);
    expect(queueWaitsWhileIdle(12, 2, 2)).toBe(false);
    expect(queueWaitsWhileIdle(12, 20, 0)).toBe(false);
    expect(queueWaitsWhileIdle(0, null, 3)).toBe(false);
  });
});
