import { describe, expect, it } from 'vitest';
import { ConnectionStatus } from './connection';

describe('dashboard connection indicator (api/connection.ts)', () => {
  it('is live again after a short network drop during which the socket never closed', () => {
    const c = new ConnectionStatus();
    c.connected();
    c.offline();
    expect(c.snapshot.state).toBe('offline');
    c.online();
    expect(c.snapshot).toEqual({ state: 'connected', generation: 1 });
  });

  it('is live again when updates arrive on the open socket although the browser never said it is back online', () => {
    const c = new ConnectionStatus();
    c.connected();
    c.offline();
    c.alive();
    expect(c.snapshot.state).toBe('connected');
  });

  it('reconnects after a drop that closed the socket, and the new connection counts as a new generation', () => {
    const c = new ConnectionStatus();
    c.connected();
    c.offline();
    c.lost();
    expect(c.snapshot.state).toBe('offline');
    c.alive(); // nothing can arrive on a closed socket: still offline
    expect(c.snapshot.state).toBe('offline');
    c.online();
    expect(c.snapshot.state).toBe('reconnecting');
    c.connected();
    expect(c.snapshot).toEqual({ state: 'connected', generation: 2 });
  });

  it('a reconnection while the browser still says offline shows live (the socket is the proof)', () => {
    const c = new ConnectionStatus();
    c.connected();
    c.offline();
    c.lost();
    c.connected();
    expect(c.snapshot).toEqual({ state: 'connected', generation: 2 });
  });

  it('tells its listeners about each change once', () => {
    const c = new ConnectionStatus();
    let calls = 0;
    c.subscribe(() => calls++);
    c.connected();
    c.alive();
    c.online();
    expect(calls).toBe(1);
  });
});
