import { shanghaiDate, type SubgraphRuntime } from '@onestop/common';

/** A ticket called to a window, as the waiting hall sees it: no name, no case, no personal data. */
export interface HallCallValue {
  ticketNumber: string;
  window: number;
  status: 'CALLED' | 'SERVING';
  /** The latest announcement: the call, or the last recall. */
  announcedAt: Date;
  recalls: number;
}

export interface HallDisplayValue {
  counterId: string;
  name: string;
  nameZh: string | null;
  waiting: number;
  calls: HallCallValue[];
  eventId: string;
}

/** The hall display's view of a counter: today's tickets at a window, latest announcement first. */
export class HallDisplayService {
  constructor(private readonly rt: Pick<SubgraphRuntime, 'ds' | 'clock'>) {}

  /** One statement: the calls, the waiting count and the event log's head in one snapshot. Null for an unknown counter. */
  async display(counterId: string, limit = 8): Promise<HallDisplayValue | null> {
    const today = shanghaiDate(this.rt.clock.now());
    const rows: {
      name: string;
      name_zh: string | null;
      head: string;
      waiting: number;
      calls: {
        ticketNumber: string;
        window: number;
        status: 'CALLED' | 'SERVING';
        announcedAt: string;
        recalls: number;
      }[];
    }[] = await this.rt.ds.query(
      `SELECT c.name, c.name_zh,
         (SELECT coalesce(max(id), 0)::text FROM platform.event_log) AS head,
         (SELECT count(*)::int FROM cs.ticket w WHERE w.counter_id = c.id AND w.service_date = $2 AND w.status = 'WAITING') AS waiting,
         coalesce((SELECT json_agg(x ORDER BY x."announcedAt" DESC) FROM (
           SELECT t.ticket_number AS "ticketNumber", t.window_number AS "window", t.status,
             greatest(t.called_at, coalesce(t.recalled_at, t.called_at)) AS "announcedAt", t.recalls
           FROM cs.ticket t
           WHERE t.counter_id = c.id AND t.service_date = $2 AND t.status IN ('CALLED', 'SERVING')
           ORDER BY greatest(t.called_at, coalesce(t.recalled_at, t.called_at)) DESC
           LIMIT $3) x), '[]'::json) AS calls
       FROM cs.service_counter c WHERE c.id = $1`,
      [counterId, today, limit],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      counterId,
      name: r.name,
      nameZh: r.name_zh,
      waiting: r.waiting,
      calls: r.calls.map((c) => ({ ...c, announcedAt: new Date(c.announcedAt) })),
      eventId: r.head,
    };
  }
}
