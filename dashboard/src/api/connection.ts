import { useSyncExternalStore } from 'react';

/** The state of the live (WebSocket) connection, for the indicator and for resubscribing. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ConnectionSnapshot {
  state: ConnectionState;
  /** Increases on every successful (re)connection: views resubscribe with `since` and refetch when it changes. */
  generation: number;
}

/** A tiny observable store shared by the Apollo WebSocket client and React. */
export class ConnectionStatus {
  private snap: ConnectionSnapshot = { state: 'connecting', generation: 0 };
  private readonly listeners = new Set<() => void>();

  get snapshot(): ConnectionSnapshot {
    return this.snap;
  }

  connected(): void {
    this.set({ state: 'connected', generation: this.snap.generation + 1 });
  }

  lost(): void {
    if (this.snap.state === 'offline') return;
    this.set({ ...this.snap, state: this.snap.generation > 0 ? 'reconnecting' : 'connecting' });
  }

  offline(): void {
    this.set({ ...this.snap, state: 'offline' });
  }

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  private set(next: ConnectionSnapshot): void {
    if (next.state === this.snap.state && next.generation === this.snap.generation) return;
    this.snap = next;
    for (const l of this.listeners) l();
  }
}

export function useConnection(status: ConnectionStatus): ConnectionSnapshot {
  return useSyncExternalStore(status.subscribe, () => status.snapshot);
}
