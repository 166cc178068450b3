/**
 * Runs its action at most once per `intervalMs`. A request inside the interval is held and run
 * once when the interval ends, so a burst costs one call and the last change is never left out.
 */
export class Throttle {
  private last = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private action: (() => void) | null = null;

  constructor(private readonly intervalMs: number) {}

  /** What to run (a component sets it from an effect, so it always runs the latest one). */
  setAction(action: () => void): void {
    this.action = action;
  }

  request(): void {
    if (this.timer !== null) return;
    const wait = this.last + this.intervalMs - Date.now();
    if (wait <= 0) {
      this.run();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, wait);
  }

  /** Counts a run made elsewhere (the first fetch), so the next request waits its interval. */
  ran(): void {
    this.last = Date.now();
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private run(): void {
    this.last = Date.now();
    this.action?.();
  }
}
