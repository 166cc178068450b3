import { compareEventIds } from './load-merge';

export interface LoadPoint {
  /** ms since the epoch. */
  at: number;
  waiting: number;
  serving: number;
}

interface Figures {
  counterId: string;
  eventId: string;
  waiting: number;
  beingServed: number;
  computedAt: string;
}

/**
 * The city's load over the day: the API's history of the day so far (`cityLoadHistory`,
 * sampled from the tickets), continued by what the dashboard sees live: the current figures
 * per counter, summed into one point per `bucketMs` (the last value in a bucket wins). Fed from
 * the history query and subscription callbacks; React reads it with useSyncExternalStore.
 */
export class LoadHistory {
  private readonly current = new Map<string, Figures>();
  private points: LoadPoint[] = [];
  private readonly listeners = new Set<() => void>();
  private notifyTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly bucketMs = 60_000,
    private readonly maxPoints = 24 * 60,
  ) {}

  apply(loads: readonly Figures[]): void {
    let changed = false;
    let at = 0;
    for (const l of loads) {
      const prev = this.current.get(l.counterId);
      if (prev && compareEventIds(l.eventId, prev.eventId) < 0) continue;
      this.current.set(l.counterId, l);
      at = Math.max(at, Date.parse(l.computedAt) || 0);
      changed = true;
    }
    if (!changed) return;
    let waiting = 0;
    let serving = 0;
    for (const f of this.current.values()) {
      waiting += f.waiting;
      serving += f.beingServed;
    }
    const bucket = Math.floor(at / this.bucketMs) * this.bucketMs;
    const last = this.points[this.points.length - 1];
    const point = { at: bucket, waiting, serving };
    this.points =
      last && last.at === bucket
        ? [...this.points.slice(0, -1), point]
        : [...this.points.slice(-(this.maxPoints - 1)), point];
    this.notify();
  }

  /**
   * Starts the line from the day's history. Live points already collected (the history may
   * arrive after the first pushes) stay when they are newer than its last sample.
   */
  seed(samples: readonly { at: string; waiting: number; beingServed: number }[]): void {
    const history = samples
      .map((s) => ({ at: Date.parse(s.at), waiting: s.waiting, serving: s.beingServed }))
      .filter((p) => !Number.isNaN(p.at))
      .sort((a, b) => a.at - b.at);
    const lastSample = history.length ? history[history.length - 1]!.at : Number.NEGATIVE_INFINITY;
    const live = this.points.filter((p) => p.at > lastSample);
    this.points = [...history, ...live].slice(-this.maxPoints);
    this.notify();
  }

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  snapshot = (): LoadPoint[] => this.points;

  /** The chart redraws at most once a second, however fast the pushes come. */
  private notify(): void {
    if (this.notifyTimer === null) {
      this.notifyTimer = setTimeout(
        () => {
          this.notifyTimer = null;
          for (const l of this.listeners) l();
        },
        this.listeners.size ? 1000 : 0,
      );
    }
  }
}
