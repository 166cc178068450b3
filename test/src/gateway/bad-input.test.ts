/**
 * The gateway under bad input, against fixture subgraphs: a graphql-ws connection whose
 * `authorization` is not a string is refused like a bad token (4403), and production hides
 * every schema suggestion — enum values and input fields in variables as well as fields in
 * documents — on HTTP and WebSocket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeCode,
  overWs,
  post,
  PRODUCTION_GATEWAY_ENV,
  startFixtureSystem,
  type FixtureSystem,
} from '../testkit/index.js';

describe('gateway under bad input', () => {
  let sys: FixtureSystem;
  beforeAll(async () => {
    sys = await startFixtureSystem();
  });
  afterAll(async () => {
    await sys?.stop();
  });

  it('closes a WebSocket whose authorization is not a string with 4403, as for a token that does not verify', async () => {
    for (const authorization of [123, true, ['Bearer x'], { token: 'x' }]) {
      expect(await closeCode(sys.wsUrl, [{ type: 'connection_init', payload: { authorization } }])).toBe(4403);
      expect(await closeCode(sys.wsUrl, [{ type: 'connection_init', payload: { Authorization: authorization } }])).toBe(
        4403,
      );
    }
    // No authorization at all is an anonymous connection, as before (public operations only).
    expect(
      await closeCode(sys.wsUrl, [
        { type: 'connection_init', payload: {} },
        'ack',
        { type: 'connection_init', payload: {} },
      ]),
    ).toBe(4429);
  });

  describe('suggestions', () => {
    const literal = '{ receipt(number: "R-1", format: SHRT) }';
    const variable = 'query R($f: ReceiptFormat) { receipt(number: "R-1", format: $f) }';

    it('outside production, enum suggestions help', async () => {
      expect((await post(sys.gatewayUrl, { query: literal })).errors?.[0]?.message).toMatch(
        /Did you mean the enum value "SHORT"\?/,
      );
      const res = await post(sys.gatewayUrl, { query: variable, variables: { f: 'SHRT' } });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toMatch(/Did you mean the enum value "SHORT"\?/);
    });

    it('in production, no enum suggestion leaks, in a document or in variables, on HTTP or WebSocket', async () => {
      const { url, wsUrl } = await sys.startGateway(PRODUCTION_GATEWAY_ENV);
      const results = [
        await post(url, { query: literal }),
        await post(url, { query: variable, variables: { f: 'SHRT' } }),
        await overWs(wsUrl, literal),
        await overWs(wsUrl, variable, undefined, { f: 'SHRT' }),
      ];
      for (const result of results) {
        expect(result.errors?.[0]?.message).toMatch(/SHRT/);
        expect(JSON.stringify(result.errors)).not.toMatch(/Did you mean|SHORT|FULL/);
      }
      expect(results[1]!.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(results[3]!.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });
});
