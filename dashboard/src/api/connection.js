import { useSyncExternalStore } from 'react';
/** A tiny observable store shared by the Apollo WebSocket client and React. */
export class ConnectionStatus {
    snap = { state: 'connecting', generation: 0 };
    listeners = new Set();
    /**
     * Whether the WebSocket is open, apart from what the browser says about the network: a short
     * network drop may never close the socket, and then no reconnection comes to say it is back.
     */
    socketOpen = false;
    get snapshot() {
        return this.snap;
    }
    connected() {
        this.socketOpen = true;
        this.set({ state: 'connected', generation: this.snap.generation + 1 });
    }
    /** The socket closed (or is connecting again). While the browser is offline it stays "offline". */
    lost() {
        this.socketOpen = false;
        if (this.snap.state === 'offline')
            return;
        this.set({ ...this.snap, state: this.waiting() });
    }
    /** The browser lost the network. */
    offline() {
        this.set({ ...this.snap, state: 'offline' });
    }
    /** The browser has the network again: live at once if the socket never closed, else reconnecting. */
    online() {
        if (this.snap.state !== 'offline')
            return;
        this.set({ ...this.snap, state: this.socketOpen ? 'connected' : this.waiting() });
    }
    /**
     * Something came over the open socket (an update, a pong): the connection works, whatever
     * the browser said about the network. Browsers do not always fire `online` after a short
     * drop, and updates that keep arriving must not sit under an "Offline" label.
     */
    alive() {
        if (!this.socketOpen || this.snap.state === 'connected')
            return;
        this.set({ ...this.snap, state: 'connected' });
    }
    waiting() {
        return this.snap.generation > 0 ? 'reconnecting' : 'connecting';
    }
    subscribe = (l) => {
        this.listeners.add(l);
        return () => this.listeners.delete(l);
    };
    set(next) {
        if (next.state === this.snap.state && next.generation === this.snap.generation)
            return;
        this.snap = next;
        for (const l of this.listeners)
            l();
    }
}
export function useConnection(status) {
    return useSyncExternalStore(status.subscribe, () => status.snapshot);
}
//# sourceMappingURL=connection.js.map