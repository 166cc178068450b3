import { ApolloProvider, useQuery, useSubscription } from '@apollo/client/react';
import { useEffect, useMemo, useState } from 'react';
import { createPublicApi } from '../../api/public-client';
import { useConnection } from '../../api/connection';
import { HallDisplayChangedDocument, HallDisplayDocument, type HallDisplayQuery } from '../../generated/graphql';
import { DICTIONARIES } from '../../i18n/dictionary';

type Display = HallDisplayQuery['hallDisplay'];

/**
 * The waiting hall's screen of one counter: public, no sign-in, no personal data. The ticket
 * numbers called and their windows, latest first, in English and Chinese at once (the hall
 * holds both), live over a subscription; says so when the connection is lost.
 */
export default function HallDisplay({ counterId }: { counterId: string }) {
  const api = useMemo(() => createPublicApi(), []);
  useEffect(() => () => api.dispose(), [api]);
  return (
    <ApolloProvider client={api.apollo}>
      <Hall counterId={counterId} connection={api.connection} />
    </ApolloProvider>
  );
}

const en = DICTIONARIES.en;
const zh = DICTIONARIES.zh;

function Hall({
  counterId,
  connection,
}: {
  counterId: string;
  connection: ReturnType<typeof createPublicApi>['connection'];
}) {
  const { state, generation } = useConnection(connection);
  const snapshot = useQuery(HallDisplayDocument, { variables: { counterId }, fetchPolicy: 'network-only' });
  const [pushed, setPushed] = useState<Display | null>(null);
  const since = snapshot.data?.hallDisplay.eventId ?? null;
  // The feed starts where the first snapshot ended (a fixed `since`: later snapshots do not resubscribe).
  const [from, setFrom] = useState<string | null>(null);
  if (since && from === null) setFrom(since);
  useSubscription(HallDisplayChangedDocument, {
    variables: { counterId, since: from },
    skip: from === null,
    onData: ({ data }) => {
      if (data.data) setPushed(data.data.hallDisplayChanged);
    },
  });
  const refetch = snapshot.refetch;
  useEffect(() => {
    if (generation > 1) void refetch();
  }, [generation, refetch]);
  useEffect(() => {
    document.documentElement.lang = 'zh-CN';
    document.title = 'OneStop · 叫号 Now calling';
  }, []);
  const d = newest(snapshot.data?.hallDisplay ?? null, pushed);
  const [latest, ...rest] = d?.calls ?? [];
  return (
    <main className="hall" data-testid="hall">
      <header className="hall-head">
        <h1>
          <span lang="zh-CN">{d?.nameZh ?? ''}</span> <span lang="en">{d?.name ?? ''}</span>
        </h1>
        <p className="hall-title">
          <span lang="zh-CN">{zh['hall.title']}</span> · <span lang="en">{en['hall.title']}</span>
        </p>
      </header>
      {state !== 'connected' && state !== 'connecting' && (
        <p role="alert" className="hall-offline" data-testid="hall-offline">
          <span lang="zh-CN">{zh['hall.offline']}</span> <span lang="en">{en['hall.offline']}</span>
        </p>
      )}
      <div aria-live="polite" aria-atomic="true">
        {latest ? (
          <section className="hall-latest" data-testid="hall-latest">
            <p className="hall-ticket" data-testid="hall-latest-ticket">
              {latest.ticketNumber}
            </p>
            <p className="hall-arrow" aria-hidden="true">
              →
            </p>
            <p className="hall-window">
              <span lang="zh-CN">{latest.window} 号窗口</span>
              <span lang="en">Window {latest.window}</span>
            </p>
          </section>
        ) : d === null ? null : (
          <p className="hall-none">
            <span lang="zh-CN">{zh['hall.none']}</span> <span lang="en">{en['hall.none']}</span>
          </p>
        )}
      </div>
      {rest.length > 0 && (
        <table className="hall-table" data-testid="hall-calls">
          <thead>
            <tr>
              <th scope="col">
                <span lang="zh-CN">{zh['hall.ticket']}</span> <span lang="en">{en['hall.ticket']}</span>
              </th>
              <th scope="col">
                <span lang="zh-CN">{zh['hall.window']}</span> <span lang="en">{en['hall.window']}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rest.map((c) => (
              <tr key={c.ticketNumber} data-testid="hall-call">
                <th scope="row">{c.ticketNumber}</th>
                <td>
                  {c.window}
                  {c.status === 'SERVING' ? (
                    <span className="hall-serving">
                      {' '}
                      · <span lang="zh-CN">{zh['hall.serving']}</span> <span lang="en">{en['hall.serving']}</span>
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {d && (
        <p className="hall-waiting">
          <span lang="zh-CN">{zh['hall.waiting'].replace('{n}', String(d.waiting))}</span> ·{' '}
          <span lang="en">{en['hall.waiting'].replace('{n}', String(d.waiting))}</span>
        </p>
      )}
    </main>
  );
}

/** The later of the snapshot and the last push (by event id). */
function newest(a: Display | null, b: Display | null): Display | null {
  if (!a) return b;
  if (!b) return a;
  return BigInt(b.eventId) >= BigInt(a.eventId) ? b : a;
}
