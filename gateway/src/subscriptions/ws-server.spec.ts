import { describe, expect, it } from 'vitest';
import { MessageType, stringifyMessage } from 'graphql-ws';
import type { WebSocket } from 'ws';
import { socketSink } from './ws-server.js';

/** The part of a ws socket the sink uses; what it still holds (`bufferedAmount`) is set by the test. */
function fakeSocket() {
  const frames: string[] = [];
  const socket = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    send(data: string) {
      frames.push(data);
    },
  };
  return { frames, socket, ws: socket as unknown as WebSocket };
}

describe('socketSink', () => {
  it('writes exactly the next message graphql-ws would write', () => {
    const { frames, ws } = fakeSocket();
    const result = { data: { slaBreached: { eventId: '42', kind: 'WAIT', note: 'quote " and \\ and 北京' } } };
    for (const id of ['1', 'a-"quoted"-id']) {
      socketSink(ws, id).send(JSON.stringify(result));
      expect(frames.at(-1)).toBe(stringifyMessage({ id, type: MessageType.Next, payload: result }));
      expect(JSON.parse(frames.at(-1)!)).toEqual({ id, type: 'next', payload: result });
    }
  });

  it('counts what is not yet written out as backlog, and sends nothing on a closing socket', () => {
    const { frames, socket, ws } = fakeSocket();
    const sink = socketSink(ws, '1');
    expect(sink.backlog()).toBe(0);
    sink.send('{"data":{"note":"北京"}}');
    sink.send('{"data":{"note":"北京"}}');
    const frameBytes = Buffer.byteLength(frames[0]!);
    socket.bufferedAmount = 2 * frameBytes; // neither written out yet
    expect(sink.backlog()).toBe(2);
    socket.bufferedAmount = frameBytes; // the first written out
    expect(sink.backlog()).toBe(1);
    socket.readyState = 2;
    sink.send('{"data":{}}');
    expect(frames).toHaveLength(2);
    expect(sink.backlog()).toBe(1);
  });
});
