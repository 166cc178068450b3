/**
 * Partner webhooks through the real stack (issue 15): a real HTTP receiver, Standard Webhooks
 * signatures verified with the `standardwebhooks` package, retries on a short schedule, agency
 * isolation, redelivery, disabling after the window, and the address guard.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startReceiver,
  type ReceivedHook,
  type Receiver,
  AGENCY_A,
  AGENCY_B,
  agencyToken,
  errorCode,
  fileCase,
  filing,
  today,
  ok,
  startTestSystem,
  waitFor,
  type TestSystem,
} from '../testkit/index.js';

let sys: TestSystem;
let rx: Receiver;
let agencyA: string;
let agencyB: string;
let officer: string;
let day: string;

const ENDPOINT_FIELDS = 'id url eventTypes secret enabled disabledReason';
const REGISTER = `mutation($i: RegisterWebhookEndpointInput!) { registerWebhookEndpoint(input: $i) { ${ENDPOINT_FIELDS} } }`;
const DELIVERIES = `query($f: WebhookDeliveryFilter) { webhookDeliveries(filter: $f, first: 50) {
  nodes { id eventId eventType caseId status attempts lastResponseCode lastError payload attemptLog { attempt responseCode error } }
} }`;
const RETURN = `mutation($i: ReturnCaseInput!) { returnCase(input: $i) { id status } }`;
const WITHDRAW = `mutation($i: WithdrawCaseInput!) { withdrawCase(input: $i) { id status } }`;

interface Endpoint {
  id: string;
  url: string;
  eventTypes: string[];
  secret: string;
  enabled: boolean;
  disabledReason: string | null;
}
interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  caseId: string;
  status: string;
  attempts: number;
  lastResponseCode: number | null;
  lastError: string | null;
  payload: string;
  attemptLog: { attempt: number; responseCode: number | null; error: string | null }[];
}

async function register(token: string, input: Record<string, unknown>): Promise<Endpoint> {
  return ok(await sys.gql<{ registerWebhookEndpoint: Endpoint }>(REGISTER, { i: input }, token))
    .registerWebhookEndpoint;
}

async function deliveries(token: string, filter: Record<string, unknown> = {}): Promise<Delivery[]> {
  return ok(await sys.gql<{ webhookDeliveries: { nodes: Delivery[] } }>(DELIVERIES, { f: filter }, token))
    .webhookDeliveries.nodes;
}

function verify(secret: string, hook: ReceivedHook): { type: string; data: Record<string, unknown> } {
  return new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>) as {
    type: string;
    data: Record<string, unknown>;
  };
}

beforeAll(async () => {
  rx = await startReceiver();
  sys = await startTestSystem({
    // Three attempts a few hundred milliseconds apart: the whole window in about a second.
    WEBHOOK_RETRY_SCHEDULE: '300ms,300ms',
    WEBHOOK_POLL_INTERVAL_MS: '100',
    WEBHOOK_TIMEOUT_MS: '3000',
    // Only the literal loopback address is allowlisted: `localhost` must be refused after resolution.
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  });
  agencyA = await agencyToken(sys, 0);
  agencyB = await agencyToken(sys, 1);
  officer = await sys.token('WP_OFFICER');
  day = await today(sys);
});
afterAll(async () => {
  await sys?.stop();
  await rx?.close();
});

describe('registering endpoints', () => {
  it('refuses the unauthenticated, staff and bad input, writing nothing', async () => {
    const count = async (): Promise<number> =>
      Number((await sys.sql.query('SELECT count(*) AS n FROM wp.webhook_endpoint')).rows[0].n);
    const before = await count();
    expect(errorCode(await sys.gql(REGISTER, { i: { url: rx.url('/x') } }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await sys.gql(REGISTER, { i: { url: rx.url('/x') } }, officer))).toBe('FORBIDDEN');
    const bad = await sys.gql(REGISTER, { i: { url: 'ftp://example.com/x', eventTypes: ['case.nope'] } }, agencyA);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(bad.errors![0]!.extensions)).toContain('case.nope');
    // A private address written as a literal is refused at once.
    expect(errorCode(await sys.gql(REGISTER, { i: { url: 'http://10.0.0.7/hook' } }, agencyA))).toBe('BAD_USER_INPUT');
    expect(errorCode(await sys.gql(REGISTER, { i: { url: 'http://169.254.169.254/latest' } }, agencyA))).toBe(
      'BAD_USER_INPUT',
    );
    expect(await count()).toBe(before);
  });
});

describe('managing endpoints', () => {
  it('a retried registration is CONFLICT naming the first; another agency cannot touch it; delete removes it', async () => {
    const first = await register(agencyA, { url: rx.url('/dup') });
    const again = await sys.gql(REGISTER, { i: { url: rx.url('/dup') } }, agencyA);
    expect(errorCode(again)).toBe('CONFLICT');
    expect(again.errors![0]!.extensions).toMatchObject({ endpointId: first.id });
    const UPDATE = `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { description: "x" }) { id } }`;
    const DELETE = `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`;
    expect(errorCode(await sys.gql(UPDATE, { id: first.id }, agencyB))).toBe('NOT_FOUND');
    expect(errorCode(await sys.gql(DELETE, { id: first.id }, agencyB))).toBe('NOT_FOUND');
    expect(
      errorCode(await sys.gql(`mutation($id: ID!) { rotateWebhookSecret(id: $id) { id } }`, { id: first.id }, agencyB)),
    ).toBe('NOT_FOUND');
    expect(
      ok(await sys.gql<{ deleteWebhookEndpoint: boolean }>(DELETE, { id: first.id }, agencyA)).deleteWebhookEndpoint,
    ).toBe(true);
    expect(errorCode(await sys.gql(UPDATE, { id: first.id }, agencyA))).toBe('NOT_FOUND');
  });
});

describe('delivery', () => {
  let hookA: Endpoint;
  let hookB: Endpoint;
  let returnedCaseId: string;

  beforeAll(async () => {
    hookA = await register(agencyA, { url: rx.url('/agency-a'), description: 'A: everything' });
    hookB = await register(agencyB, { url: rx.url('/agency-b') });
    expect(hookA.secret).toMatch(/^whsec_/);
  });

  it('a case returned for correction produces a signed webhook within 5 s that verifies', async () => {
    const c = await fileCase(sys, agencyA, filing(AGENCY_A.employerIds[0], day));
    returnedCaseId = c.id;
    const items = [{ field: 'applicant.photo', problem: 'The background is not white' }];
    const sentAt = Date.now();
    ok(await sys.gql(RETURN, { i: { caseId: c.id, items } }, officer));
    const hook = await waitFor(
      () =>
        rx.on('/agency-a').find((h) => {
          const b = JSON.parse(h.body) as { type: string; data: { caseId: string } };
          return b.type === 'case.returned' && b.data.caseId === c.id;
        }),
      15_000,
      'the case.returned webhook',
    );
    // The acceptance bound (typically well under a second here; the wait above allows 15 s).
    expect(hook.at - sentAt).toBeLessThan(5000);
    const body = verify(hookA.secret, hook);
    expect(body.data).toMatchObject({ caseId: c.id, caseReference: c.reference, items });
    expect(hook.headers['webhook-id']).toMatch(/^msg_/);
    // Another secret does not verify it.
    expect(() => verify(hookB.secret, hook)).toThrow();
    // Nothing staff-only travels: no actor ids.
    expect(hook.body).not.toContain('actorId');
  });

  it("agency A's endpoint never receives agency B's events, nor B's A's", async () => {
    const b = await fileCase(sys, agencyB, filing(AGENCY_B.employerIds[0], day));
    await waitFor(
      () => rx.on('/agency-b').some((h) => (JSON.parse(h.body) as { data: { caseId: string } }).data.caseId === b.id),
      15_000,
      "B's case.submitted",
    );
    const employersOf = (path: string): Set<string> =>
      new Set(rx.on(path).map((h) => (JSON.parse(h.body) as { data: { employerId: string } }).data.employerId));
    expect([...employersOf('/agency-a')].every((e) => (AGENCY_A.employerIds as readonly string[]).includes(e))).toBe(
      true,
    );
    expect([...employersOf('/agency-b')].every((e) => (AGENCY_B.employerIds as readonly string[]).includes(e))).toBe(
      true,
    );
    expect(rx.on('/agency-a').some((h) => h.body.includes(b.id))).toBe(false);
    expect(rx.on('/agency-b').some((h) => h.body.includes(returnedCaseId))).toBe(false);
    // B cannot see A's deliveries either.
    expect((await deliveries(agencyB)).some((d) => d.caseId === returnedCaseId)).toBe(false);
  });

  it('a receiver answering 500 twice gets the event on the third attempt, processed once (by webhook-id)', async () => {
    rx.answer('/flaky', [500, 500, 200]);
    const flaky = await register(agencyA, { url: rx.url('/flaky'), eventTypes: ['case.withdrawn'] });
    const c = await fileCase(sys, agencyA, filing(AGENCY_A.employerIds[1], day));
    ok(await sys.gql(WITHDRAW, { i: { caseId: c.id, reason: 'applicant declined the offer' } }, agencyA));
    const [d] = await waitFor(
      async () => {
        const list = await deliveries(agencyA, { endpointId: flaky.id });
        return list.length && list[0]!.status === 'SUCCEEDED' ? list : undefined;
      },
      20_000,
      'the flaky delivery to succeed',
    );
    expect(d).toMatchObject({ eventType: 'case.withdrawn', caseId: c.id, attempts: 3, lastResponseCode: 200 });
    expect(d!.attemptLog.map((a) => a.responseCode)).toEqual([500, 500, 200]);
    const hooks = rx.on('/flaky');
    expect(hooks).toHaveLength(3);
    expect(new Set(hooks.map((h) => h.headers['webhook-id']))).toEqual(new Set([d!.id]));
    // The receiver dedupes on webhook-id: one event processed.
    const processed = new Set(
      hooks.filter((h, i) => i === 2 && verify(flaky.secret, h)).map((h) => h.headers['webhook-id']),
    );
    expect(processed.size).toBe(1);
    // Only the type it asked for.
    expect(hooks.every((h) => (JSON.parse(h.body) as { type: string }).type === 'case.withdrawn')).toBe(true);
  });

  it('a delivery can be redelivered by its agency (same webhook-id), not by another', async () => {
    const [d] = await deliveries(agencyA, { endpointId: hookA.id, caseId: returnedCaseId, status: 'SUCCEEDED' }).then(
      (l) => l.filter((x) => x.eventType === 'case.returned'),
    );
    expect(d).toBeDefined();
    const before = rx.on('/agency-a').filter((h) => h.headers['webhook-id'] === d!.id).length;
    expect(errorCode(await sys.gql(`mutation { redeliverWebhook(id: "${d!.id}") { id } }`, {}, agencyB))).toBe(
      'NOT_FOUND',
    );
    ok(await sys.gql(`mutation { redeliverWebhook(id: "${d!.id}") { id status } }`, {}, agencyA));
    const again = await waitFor(
      () => {
        const list = rx.on('/agency-a').filter((h) => h.headers['webhook-id'] === d!.id);
        return list.length > before ? list[list.length - 1] : undefined;
      },
      15_000,
      'the redelivery',
    );
    expect(verify(hookA.secret, again).type).toBe('case.returned');
  });

  it('an endpoint failing past the window is disabled and its agency told', async () => {
    rx.answer('/dead', [503]);
    const dead = await register(agencyA, { url: rx.url('/dead'), eventTypes: ['case.submitted'] });
    await fileCase(sys, agencyA, filing(AGENCY_A.employerIds[0], day));
    const endpoint = await waitFor(
      async () => {
        const list = ok(
          await sys.gql<{ webhookEndpoints: Endpoint[] }>(`{ webhookEndpoints { ${ENDPOINT_FIELDS} } }`, {}, agencyA),
        ).webhookEndpoints;
        const e = list.find((x) => x.id === dead.id);
        return e && !e.enabled ? e : undefined;
      },
      20_000,
      'the endpoint to be disabled',
    );
    expect(endpoint.disabledReason).toContain('every attempt failed');
    expect(rx.on('/dead')).toHaveLength(3);
    const [failed] = await deliveries(agencyA, { endpointId: dead.id });
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 3, lastResponseCode: 503 });
    const notes = ok(
      await sys.gql<{ agencyNotifications: { kind: string; endpointId: string; message: string }[] }>(
        `{ agencyNotifications { kind endpointId message } }`,
        {},
        agencyA,
      ),
    ).agencyNotifications;
    expect(notes.find((n) => n.endpointId === dead.id)).toMatchObject({ kind: 'WEBHOOK_ENDPOINT_DISABLED' });
    // B hears nothing of A's endpoint.
    const notesB = ok(
      await sys.gql<{ agencyNotifications: { endpointId: string }[] }>(
        `{ agencyNotifications { endpointId } }`,
        {},
        agencyB,
      ),
    ).agencyNotifications;
    expect(notesB.some((n) => n.endpointId === dead.id)).toBe(false);
    // Events while disabled are held, not sent; enabling the endpoint sends them.
    const held = await fileCase(sys, agencyA, filing(AGENCY_A.employerIds[0], day));
    await waitFor(
      async () => (await deliveries(agencyA, { endpointId: dead.id, caseId: held.id })).length === 1,
      15_000,
      'the held delivery',
    );
    expect(rx.on('/dead').some((h) => h.body.includes(held.id))).toBe(false);
    rx.answer('/dead', [200]);
    ok(
      await sys.gql(
        `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: true }) { id enabled } }`,
        { id: dead.id },
        agencyA,
      ),
    );
    await waitFor(() => rx.on('/dead').some((h) => h.body.includes(held.id)), 15_000, 'the held delivery sent');
  });

  it('an endpoint whose name resolves to a loopback address is refused at delivery (not allowlisted)', async () => {
    const guarded = await register(agencyA, {
      url: `http://localhost:${rx.port}/ssrf`,
      eventTypes: ['case.submitted'],
    });
    const c = await fileCase(sys, agencyA, filing(AGENCY_A.employerIds[0], day));
    const [d] = await waitFor(
      async () => {
        const list = await deliveries(agencyA, { endpointId: guarded.id, caseId: c.id });
        return list[0] && list[0].attempts > 0 ? list : undefined;
      },
      15_000,
      'an attempt at the guarded endpoint',
    );
    expect(d!.lastError).toMatch(/refused: localhost resolves to (127\.0\.0\.1|::1)/);
    expect(d!.lastResponseCode).toBeNull();
    expect(rx.on('/ssrf')).toHaveLength(0);
  });

  it('rotating the secret signs with both until the grace period ends', async () => {
    const rotated = ok(
      await sys.gql<{ rotateWebhookSecret: Endpoint }>(
        `mutation($id: ID!) { rotateWebhookSecret(id: $id) { ${ENDPOINT_FIELDS} } }`,
        { id: hookA.id },
        agencyA,
      ),
    ).rotateWebhookSecret;
    expect(rotated.secret).not.toBe(hookA.secret);
    const n = rx.on('/agency-a').length;
    await fileCase(sys, agencyA, filing(AGENCY_A.employerIds[0], day));
    const hook = await waitFor(() => rx.on('/agency-a')[n], 15_000, 'a webhook after rotation');
    expect(verify(rotated.secret, hook).type).toBe('case.submitted');
    expect(verify(hookA.secret, hook).type).toBe('case.submitted');
    expect(String(hook.headers['webhook-signature']).split(' ')).toHaveLength(2);
  });
});
