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
  /**
   * Whether the WebSocket is open, apart from what the browser says about the network: a short
   * network drop may never close the socket, and then no reconnection comes to say it is back.
   */
  private socketOpen = false;

  get snapshot(): ConnectionSnapshot {
    return this.snap;
  }

  connected(): void {
    this.socketOpen = true;
    this.set({ state: 'connected', generation: this.snap.generation + 1 });
  }

  /** The socket closed (or is connecting again). While the browser is offline it stays "offline". */
  lost(): void {
    this.socketOpen = false;
    if (this.snap.state === 'offline') return;
    this.set({ ...this.snap, state: this.waiting() });
  }

  /** The browser lost the network. */
  offline(): void {
    this.set({ ...this.snap, state: 'offline' });
  }

  /** The browser has the network again: live at once if the socket never closed, else reconnecting. */
  online(): void {
    if (this.snap.state !== 'offline') return;
    this.set({ ...this.snap, state: this.socketOpen ? 'connected' : this.waiting() });
  }

  /**
   * Something came over the open socket (an update, a pong): the connection works, whatever
   * the browser said about the network. Browsers do not always fire `online` after a short
   * drop, and updates that keep arriving must not sit under an "Offline" label.
   */
  alive(): void {
    if (!this.socketOpen || this.snap.state === 'connected') return;
    this.set({ ...this.snap, state: 'connected' });
  }

  private waiting(): ConnectionState {
    return this.snap.generation > 0 ? 'reconnecting' : 'connecting';
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
