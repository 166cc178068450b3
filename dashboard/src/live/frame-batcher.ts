/**
 * Collects keyed updates and hands the latest of each to `flush` once per animation frame,
 * so a burst of pushes costs one render. (In a background tab frames pause; the batch stays
 * one entry per key and is applied when the tab is seen again.)
 */
export class FrameBatcher<T> {
  private readonly pending = new Map<string, T>();
  private frame = 0;

  constructor(private readonly flush: (batch: T[]) => void) {}

  add(key: string, value: T): void {
    this.pending.set(key, value);
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const batch = [...this.pending.values()];
      this.pending.clear();
      this.flush(batch);
    });
  }

  cancel(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.pending.clear();
  }
}
