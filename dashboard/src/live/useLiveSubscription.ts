import type { DocumentNode, OperationVariables } from '@apollo/client';
import { useApolloClient } from '@apollo/client/react';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useEffect, useRef } from 'react';
import { useConnection } from '../api/connection';
import { useSignedIn } from '../app/session-context';
import type { EventDeduper } from './dedupe';

interface Options<TData> {
  /** Other variables of the subscription (filters); `since` is managed here. */
  variables?: Record<string, unknown>;
  /** Remembers the ids already shown; its lastId is the `since` of every resubscription. */
  deduper: EventDeduper;
  /** The position to start from before any event arrived (e.g. the snapshot's eventId). */
  initialSince?: string | null;
  /** Wait (e.g. for the snapshot) before subscribing. */
  skip?: boolean;
  /** Called once per new event (duplicates are dropped here, by `eventIdOf`). */
  onEvent(data: TData): void;
  eventIdOf(data: TData): string | null | undefined;
  onError?(error: unknown): void;
}

/**
 * A live feed over the WebSocket. Subscribes with `since` = the last event id shown; after
 * every reconnection (connection generation > 1) it subscribes again from there, so the
 * server replays exactly what was missed, and events seen twice (replay overlap) are dropped.
 */
export function useLiveSubscription<TData, TVars extends Record<string, unknown>>(
  doc: TypedDocumentNode<TData, TVars>,
  opts: Options<TData>,
): void {
  const client = useApolloClient();
  const { api } = useSignedIn();
  const { generation } = useConnection(api.connection);
  // Resubscribe on reconnections only: the first connection (0 → 1) needs no new subscription.
  const epoch = Math.max(generation, 1);
  const latest = useRef(opts);
  useEffect(() => {
    latest.current = opts;
  });
  const { deduper, initialSince, skip } = opts;
  const variablesKey = JSON.stringify(opts.variables ?? {});
  useEffect(() => {
    if (skip) return;
    const since = deduper.lastId ?? initialSince ?? null;
    // The caller's filters and `since`: TVars cannot be built from them generically, so the
    // document is sent as a plain DocumentNode with these variables (the server checks them).
    const query: DocumentNode = doc;
    const variables: OperationVariables = { ...(JSON.parse(variablesKey) as Record<string, unknown>), since };
    // no-cache: each view merges pushes itself (by event id); writing every push to the cache only costs.
    const sub = client.subscribe<TData>({ query, variables, fetchPolicy: 'no-cache' }).subscribe({
      next: (result) => {
        const data = result.data as TData | undefined;
        if (result.error) latest.current.onError?.(result.error);
        if (!data) return;
        const id = latest.current.eventIdOf(data);
        if (id && !deduper.accept(id)) return;
        latest.current.onEvent(data);
      },
      error: (err: unknown) => latest.current.onError?.(err),
    });
    return () => sub.unsubscribe();
  }, [client, doc, deduper, initialSince, skip, variablesKey, epoch]);
}

/** Calls `refetch` after every reconnection (not on the first connection). */
export function useRefetchOnReconnect(refetch: () => unknown): void {
  const { api } = useSignedIn();
  const { generation } = useConnection(api.connection);
  const fn = useRef(refetch);
  useEffect(() => {
    fn.current = refetch;
  });
  useEffect(() => {
    if (generation > 1) void fn.current();
  }, [generation]);
}
