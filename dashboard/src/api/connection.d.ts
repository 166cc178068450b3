/** The state of the live (WebSocket) connection, for the indicator and for resubscribing. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';
export interface ConnectionSnapshot {
    state: ConnectionState;
    /** Increases on every successful (re)connection: views resubscribe with `since` and refetch when it changes. */
    generation: number;
}
/** A tiny observable store shared by the Apollo WebSocket client and React. */
export declare class ConnectionStatus {
    private snap;
    private readonly listeners;
    /**
     * Whether the WebSocket is open, apart from what the browser says about the network: a short
     * network drop may never close the socket, and then no reconnection comes to say it is back.
     */
    private socketOpen;
    get snapshot(): ConnectionSnapshot;
    connected(): void;
    /** The socket closed (or is connecting again). While the browser is offline it stays "offline". */
    lost(): void;
    /** The browser lost the network. */
    offline(): void;
    /** The browser has the network again: live at once if the socket never closed, else reconnecting. */
    online(): void;
    /**
     * Something came over the open socket (an update, a pong): the connection works, whatever
     * the browser said about the network. Browsers do not always fire `online` after a short
     * drop, and updates that keep arriving must not sit under an "Offline" label.
     */
    alive(): void;
    private waiting;
    subscribe: (l: () => void) => (() => void);
    private set;
}
export declare function useConnection(status: ConnectionStatus): ConnectionSnapshot;
//# sourceMappingURL=connection.d.ts.map