import { useState } from 'react';
import { errorMessage } from './errorMessage';

/** Where a button's one request is: not sent, under way, answered, or refused with the reason. */
export type RequestState<T> =
  | { kind: 'idle' }
  | { kind: 'pending' }
  | { kind: 'done'; value: T }
  | { kind: 'failed'; message: string };

/**
 * The state of a request a button sends ("Run now", "Reload"): `send` runs it, keeps its answer or
 * the backend's message, and calls `onDone` after an answer.
 */
export function useRequestState<T>(
  request: () => Promise<T>,
  onDone: () => void,
) {
  const [state, setState] = useState<RequestState<T>>({ kind: 'idle' });
  const send = async () => {
    setState({ kind: 'pending' });
    try {
      const value = await request();
      setState({ kind: 'done', value });
      onDone();
    } catch (e) {
      setState({
        kind: 'failed',
        message: errorMessage(e instanceof Error ? e : new Error(String(e))),
      });
    }
  };
  return { state, send, reset: () => setState({ kind: 'idle' }) };
}
