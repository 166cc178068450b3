import { useApolloClient } from '@apollo/client/react';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { errorCode } from '../api/errors';
import { newIdempotencyKey } from '../api/idempotency-key';

export interface ClerkAction<TData, TVars> {
  /** Runs the action; null when it did not succeed (or another action of this hook is still running). */
  run(variables: TVars): Promise<TData | null>;
  /** Runs the last failed action again with the same idempotency key. */
  retry(): Promise<TData | null>;
  busy: boolean;
  /** The API's refusal, or the network failure. */
  error: unknown;
  /** The request may or may not have reached the API: a retry is safe (same key). */
  lost: boolean;
  reset(): void;
}

/**
 * A clerk mutation that is safe to retry and never runs twice (issue 12, item 8):
 * - while a request is in flight, the same action again is ignored (a double press does nothing);
 * - each intended action gets an idempotency key, kept while the same action (same variables)
 *   is retried after a lost connection, so the API answers the retry with what the first
 *   attempt did; an answer from the API (success or refusal) ends the action and its key;
 * - without a connection nothing is sent and the failure is reported at once.
 * `keyed: false` for mutations that set a state and have no key argument (checklist items).
 */
export function useClerkAction<TData, TVars extends Record<string, unknown>>(
  doc: TypedDocumentNode<TData, TVars>,
  opts: { keyed?: boolean } = {},
): ClerkAction<TData, TVars> {
  const client = useApolloClient();
  const keyed = opts.keyed ?? true;
  // The actions in flight, by their variables: the same action pressed twice runs once.
  const inFlight = useRef(new Set<string>());
  const pending = useRef<{ signature: string; key: string; variables: TVars } | null>(null);
  const mounted = useRef(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [lost, setLost] = useState(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(
    async (variables: TVars): Promise<TData | null> => {
      const signature = JSON.stringify(variables);
      if (inFlight.current.has(signature)) return null;
      const key = pending.current?.signature === signature ? pending.current.key : newIdempotencyKey();
      pending.current = { signature, key, variables };
      if (!navigator.onLine) {
        // Nothing is sent; "Try again" sends this action (with this key) once the network is back.
        setError(new Error('offline'));
        setLost(true);
        return null;
      }
      inFlight.current.add(signature);
      setBusy(true);
      setError(null);
      setLost(false);
      try {
        const result = await client.mutate({
          mutation: doc,
          variables: (keyed ? { ...variables, idempotencyKey: key } : variables) as TVars,
          fetchPolicy: 'no-cache',
        });
        pending.current = null;
        return (result.data ?? null) as TData | null;
      } catch (err) {
        // The API answered (a refusal with a code): the action is over. Otherwise the answer was lost.
        const answered = CombinedGraphQLErrors.is(err) || errorCode(err) !== undefined;
        if (answered) pending.current = null;
        if (mounted.current) {
          setError(err);
          setLost(!answered);
        }
        return null;
      } finally {
        inFlight.current.delete(signature);
        if (mounted.current) setBusy(inFlight.current.size > 0);
      }
    },
    [client, doc, keyed],
  );
  const retry = useCallback(async () => (pending.current ? run(pending.current.variables) : null), [run]);
  const reset = useCallback(() => {
    setError(null);
    setLost(false);
  }, []);
  return { run, retry, busy, error, lost, reset };
}

const onlineListeners = (l: () => void): (() => void) => {
  window.addEventListener('online', l);
  window.addEventListener('offline', l);
  return () => {
    window.removeEventListener('online', l);
    window.removeEventListener('offline', l);
  };
};

/** navigator.onLine, live. */
export function useOnline(): boolean {
  return useSyncExternalStore(onlineListeners, () => navigator.onLine);
}
