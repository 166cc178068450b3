import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  readBody,
  sendJson,
  SIGNATURE_HEADER,
  systemClock,
  TIMESTAMP_HEADER,
  verifyRequestSignature,
  isUuid,
} from '@onestop/common';
import type { ApiClient, ApiClientStore } from './api-clients.js';

/** The admin routes' prefix. */
export const ADMIN_PATH = '/admin/api-clients';

const view = (c: ApiClient) => ({
  ...c,
  createdAt: c.createdAt.toISOString(),
  revokedAt: c.revokedAt?.toISOString() ?? null,
});

/**
 * Partner agencies' API clients, administered by OneStop's API (work-permit's agency-client
 * module, which checks that a MANAGER asks and which employers the agency acts for), never by
 * browsers: every request is HMAC-signed with IDENTITY_ADMIN_SECRET like the gateway's calls to
 * subgraphs. POST /admin/api-clients (register), GET ?agencyId=, POST /:id/rotate, POST /:id/revoke.
 */
export async function handleApiClientAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  clients: ApiClientStore,
  secret: string,
): Promise<void> {
  const body = req.method === 'POST' ? await readBody(req, 10_000) : '';
  const url = new URL(req.url ?? '/', 'http://localhost');
  const signed = verifyRequestSignature(
    secret,
    {
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      body,
      authorization: '',
      timestamp: String(req.headers[TIMESTAMP_HEADER] ?? ''),
    },
    typeof req.headers[SIGNATURE_HEADER] === 'string' ? req.headers[SIGNATURE_HEADER] : undefined,
    Date.now(),
  );
  if (!signed) return sendJson(res, 403, { error: 'Only OneStop’s API may administer API clients.' });
  let input: Record<string, unknown> = {};
  try {
    input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
  } catch {
    return sendJson(res, 400, { error: 'The body must be JSON.' });
  }
  const actor = input.actor as { id?: unknown; name?: unknown } | undefined;
  const who = { id: String(actor?.id ?? ''), name: String(actor?.name ?? '') };
  // The API passes its business-clock time, so the audit trail reads like the rest of OneStop's.
  const at =
    typeof input.at === 'string' && !Number.isNaN(Date.parse(input.at)) ? new Date(input.at) : systemClock.now();
  if (path === ADMIN_PATH && req.method === 'GET') {
    const agencyId = url.searchParams.get('agencyId') ?? '';
    if (!isUuid(agencyId)) return sendJson(res, 400, { error: 'agencyId must be a UUID.' });
    return sendJson(res, 200, { clients: (await clients.list(agencyId)).map(view) });
  }
  if (req.method !== 'POST' || !who.id) return sendJson(res, 400, { error: 'POST with the acting actor.' });
  if (path === ADMIN_PATH) {
    const { agencyId, name, employerIds } = input;
    if (typeof agencyId !== 'string' || !isUuid(agencyId))
      return sendJson(res, 400, { error: 'agencyId must be a UUID.' });
    if (typeof name !== 'string' || !name.trim()) return sendJson(res, 400, { error: 'name is required.' });
    if (!Array.isArray(employerIds) || !employerIds.every((e) => typeof e === 'string' && isUuid(e))) {
      return sendJson(res, 400, { error: 'employerIds must be UUIDs.' });
    }
    const made = await clients.register({ agencyId, name: name.trim(), employerIds: employerIds as string[] }, who, at);
    return sendJson(res, 201, { client: view(made.client), secret: made.secret });
  }
  const m = /^\/admin\/api-clients\/([A-Za-z0-9_-]{1,64})\/(rotate|revoke)$/.exec(path);
  if (!m) return sendJson(res, 404, { error: 'not found' });
  if (m[2] === 'rotate') {
    const rotated = await clients.rotate(m[1]!, who, at);
    return rotated
      ? sendJson(res, 200, { client: view(rotated.client), secret: rotated.secret })
      : sendJson(res, 404, { error: 'No such client, or it is revoked.' });
  }
  const revoked = await clients.revoke(m[1]!, who, at);
  return revoked ? sendJson(res, 200, { client: view(revoked) }) : sendJson(res, 404, { error: 'No such client.' });
}
