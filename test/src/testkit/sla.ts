/**
 * Helpers for the SLA and calendar tests: append the other subgraphs' events exactly as the
 * catalogue (services/common/src/domain/domain-events.ts) defines them, read the clocks back,
 * and subscribe to `slaBreached` directly on the counter-scheduling subgraph over graphql-ws.
 */
import { randomUUID } from 'node:crypto';
import { WorkingDayCalendar, signedConnectionParams, subgraphSecret } from '@onestop/common';
import { EVENT_TYPES, issuanceDue, preExamDue, type Category } from '@onestop/common/contract';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { appendEvent, waitFor, type TestSystem } from './index.js';

/** The official calendar as bundled (no notices loaded). */
export const bundledCalendar = WorkingDayCalendar.fromOfficialData();

/** Resolves once the SLA clocks' consumer has handled every event up to `eventId`. */
export async function consumed(sys: TestSystem, eventId: string): Promise<void> {
  await waitFor(
    async () => {
      const r = await sys.sql.query<{ position: string }>(
        `SELECT position::text AS position FROM platform.consumer_offset WHERE consumer = 'counter-scheduling.sla-clocks'`,
      );
      return r.rows.length > 0 && BigInt(r.rows[0]!.position) >= BigInt(eventId);
    },
    5000,
    `the SLA consumer to reach event ${eventId}`,
  );
}

/** A case of one employer, and the events other subgraphs would append about it. */
export class CaseEvents {
  readonly caseId = randomUUID();
  constructor(
    private readonly sys: TestSystem,
    readonly employerId: string,
    readonly category: Category = 'B',
  ) {}

  /** case.submitted (or case.resubmitted), with work-permit's pre-examination due time. */
  submitted(at: Date, opts: { resubmission?: boolean; calendar?: WorkingDayCalendar } = {}): Promise<string> {
    const due = preExamDue(opts.calendar ?? bundledCalendar, at, this.category);
    return this.append(opts.resubmission ? EVENT_TYPES.caseResubmitted : EVENT_TYPES.caseSubmitted, 'work-permit', {
      caseId: this.caseId,
      reference: `OS-2026-${this.caseId.slice(0, 6)}`,
      employerId: this.employerId,
      agencyId: 'agency-test',
      category: this.category,
      route: 'NOTIFICATION_LETTER',
      applicant: { fullName: 'Test Applicant', nationality: 'FRA', dateOfBirth: '1990-01-01', sex: 'FEMALE' },
      filedOn: at.toISOString().slice(0, 10),
      submittedAt: at.toISOString(),
      preExamDueAt: due.due.toISOString(),
      preExamDueProvisional: due.provisional,
      ...(opts.resubmission ? { resubmission: true } : {}),
    });
  }

  returned(at: Date): Promise<string> {
    return this.append(EVENT_TYPES.caseReturned, 'work-permit', {
      caseId: this.caseId,
      items: [{ field: 'applicant.photo', problem: 'background is not white' }],
      returnedAt: at.toISOString(),
    });
  }

  preExamPassed(at: Date): Promise<string> {
    return this.append(EVENT_TYPES.casePreExamPassed, 'work-permit', {
      caseId: this.caseId,
      category: this.category,
      passedAt: at.toISOString(),
    });
  }

  withdrawn(at: Date): Promise<string> {
    return this.append(EVENT_TYPES.caseWithdrawn, 'work-permit', {
      caseId: this.caseId,
      reference: 'OS-2026-000000',
      from: 'SUBMITTED',
      reason: null,
      withdrawnAt: at.toISOString(),
    });
  }

  documentsAccepted(at: Date, counterId: string): Promise<string> {
    const due = issuanceDue(bundledCalendar, at);
    return this.append(
      EVENT_TYPES.documentsAccepted,
      'counter-scheduling',
      {
        caseId: this.caseId,
        counterId,
        receiptNumber: 'RA-2026-000001',
        acceptedAt: at.toISOString(),
        issuanceDueAt: due.due.toISOString(),
        issuanceDueProvisional: due.provisional,
      },
      counterId,
    );
  }

  decided(type: string, at: Date): Promise<string> {
    const issued = type.endsWith('.issued');
    return this.append(type, type.startsWith('work-permit') ? 'work-permit' : 'residence-permit', {
      caseId: this.caseId,
      ...(issued
        ? { permitNumber: 'P-1', validFrom: '2026-12-01', validUntil: '2027-12-01' }
        : { reasons: ['the employer withdrew its support'] }),
      decidedAt: at.toISOString(),
    });
  }

  claimRecorded(at: Date, counterId: string): Promise<string> {
    return this.append(
      EVENT_TYPES.claimRecorded,
      'counter-scheduling',
      { caseId: this.caseId, counterId, claimedAt: at.toISOString() },
      counterId,
    );
  }

  /** queue.ticket-issued; returns the ticket id. */
  async ticketIssued(at: Date, counterId: string): Promise<string> {
    const ticketId = randomUUID();
    await this.append(
      EVENT_TYPES.ticketIssued,
      'counter-scheduling',
      { ticketId, ticketNumber: 'W-001', caseId: this.caseId, counterId, at: at.toISOString() },
      counterId,
    );
    return ticketId;
  }

  ticketCalled(ticketId: string, at: Date, counterId: string): Promise<string> {
    return this.append(
      EVENT_TYPES.ticketCalled,
      'counter-scheduling',
      { ticketId, ticketNumber: 'W-001', caseId: this.caseId, counterId, window: 1, at: at.toISOString() },
      counterId,
    );
  }

  /** This case's clocks, oldest first. */
  async clocks(): Promise<ClockRow[]> {
    const r = await this.sys.sql.query<ClockRow>(
      `SELECT id, kind, state, counter_id AS "counterId", employer_id AS "employerId", category, started_at AS "startedAt",
              due_at AS "dueAt", stopped_at AS "stoppedAt", provisional, thresholds, last_threshold AS "lastThreshold"
       FROM cs.sla_clock WHERE case_id = $1 ORDER BY started_at, kind`,
      [this.caseId],
    );
    return r.rows;
  }

  /** The sla.* events of this case, in order: "type:threshold". */
  async slaEvents(): Promise<string[]> {
    const r = await this.sys.sql.query<{ type: string; threshold: number | null }>(
      `SELECT type, (payload->>'threshold')::int AS threshold FROM platform.event_log
       WHERE aggregate_id = $1 AND type LIKE 'sla.%' ORDER BY id`,
      [this.caseId],
    );
    return r.rows.map((e) => (e.threshold === null ? e.type : `${e.type}:${e.threshold}`));
  }

  private append(
    type: string,
    source: string,
    payload: Record<string, unknown>,
    counterId: string | null = null,
  ): Promise<string> {
    return appendEvent(this.sys.sql, {
      type,
      source,
      aggregateId: this.caseId,
      payload,
      employerId: this.employerId,
      counterId,
    });
  }
}

export interface ClockRow {
  id: string;
  kind: string;
  state: string;
  counterId: string | null;
  employerId: string | null;
  category: string | null;
  startedAt: Date;
  dueAt: Date;
  stoppedAt: Date | null;
  provisional: boolean;
  thresholds: number[];
  lastThreshold: number | null;
}

export interface AlertReceived {
  eventId: string;
  clockId: string;
  kind: string;
  threshold: number;
  breach: boolean;
  counterId: string | null;
  category: string | null;
  case: { id: string };
}

export const ALERT_SELECTION = 'eventId clockId kind threshold breach counterId category dueAt at case { id }';

/**
 * Subscribes to `slaBreached` directly on the counter-scheduling subgraph, signing the
 * connection as the gateway would. Collects alerts and errors until closed.
 */
export function subscribeAlerts(
  sys: TestSystem,
  token: string | null,
  variables: Record<string, unknown> = {},
): { alerts: AlertReceived[]; errors: unknown[]; done: Promise<void>; close(): void } {
  const url = sys.stack.urls['counter-scheduling'].replace(/^http/, 'ws');
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: () =>
      signedConnectionParams(subgraphSecret('counter-scheduling', 'test'), token ? `Bearer ${token}` : '', Date.now()),
  });
  const alerts: AlertReceived[] = [];
  const errors: unknown[] = [];
  const done = new Promise<void>((resolve) => {
    client.subscribe<{ slaBreached: AlertReceived }>(
      {
        query: `subscription ($filter: SlaAlertFilter, $since: ID) { slaBreached(filter: $filter, since: $since) { ${ALERT_SELECTION} } }`,
        variables,
      },
      {
        next: (r) => {
          if (r.errors) errors.push(...r.errors);
          if (r.data) alerts.push(r.data.slaBreached);
        },
        error: (e) => {
          errors.push(e);
          resolve();
        },
        complete: () => resolve(),
      },
    );
  });
  return { alerts, errors, done, close: () => void client.dispose() };
}

/** How many sla.warning / sla.breached events the cases have, per threshold, and for how many distinct clocks. */
export async function alertCounts(
  sys: TestSystem,
  caseIds: string[],
): Promise<{ threshold: number; n: number; clocks: number }[]> {
  const r = await sys.sql.query<{ threshold: number; n: number; clocks: number }>(
    `SELECT (payload->>'threshold')::int AS threshold, count(*)::int AS n, count(DISTINCT payload->>'clockId')::int AS clocks
     FROM platform.event_log
     WHERE type IN ('sla.warning', 'sla.breached') AND aggregate_id = ANY ($1)
     GROUP BY 1 ORDER BY 1`,
    [caseIds],
  );
  return r.rows;
}

/** The cases whose alerts were not emitted in the order 50, 75, 100 (each once). */
export async function alertsOutOfOrder(sys: TestSystem, caseIds: string[]): Promise<{ thresholds: number[] }[]> {
  const r = await sys.sql.query<{ thresholds: number[] }>(
    `SELECT array_agg((payload->>'threshold')::int ORDER BY id) AS thresholds FROM platform.event_log
     WHERE type IN ('sla.warning', 'sla.breached') AND aggregate_id = ANY ($1) GROUP BY aggregate_id`,
    [caseIds],
  );
  return r.rows.filter((row) => row.thresholds.join() !== '50,75,100');
}
