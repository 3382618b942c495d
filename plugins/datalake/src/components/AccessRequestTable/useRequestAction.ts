import { AccessRequest } from '@datalake-portal/backstage-plugin-datalake-common';
import { useCallback, useState } from 'react';
import { errorMessage } from '../../hooks/errorMessage';
import { shortRef } from './AccessRequestTable';

/** The outcome of the last action, shown above the table. */
export type RequestActionOutcome = {
  severity: 'success' | 'error';
  text: string;
};

const PAST_TENSE: Record<string, string> = {
  pending: 'is pending',
  approved: 'is approved; the grant is being applied',
  granted: 'is granted',
  rejected: 'is rejected',
  revoked: 'is revoked',
  expired: 'has expired',
  failed: 'failed',
};

/**
 * Runs approve, reject or revoke on one request at a time, reports the outcome in words (the
 * backend's message on failure, never "Request failed with 403"), then reloads the list.
 */
export function useRequestAction(reload: () => void) {
  const [busyId, setBusyId] = useState<string>();
  const [outcome, setOutcome] = useState<RequestActionOutcome>();
  const run = useCallback(
    async (request: AccessRequest, action: () => Promise<AccessRequest>) => {
      setBusyId(request.id);
      setOutcome(undefined);
      try {
        const updated = await action();
        const what = `${shortRef(updated.requester)}'s request on ${
          updated.database
        }.${updated.table}`;
        setOutcome({
          severity: updated.status === 'failed' ? 'error' : 'success',
          text: `${what} ${PAST_TENSE[updated.status] ?? updated.status}${
            updated.statusReason ? `: ${updated.statusReason}` : ''
          }`,
        });
      } catch (e) {
        setOutcome({ severity: 'error', text: errorMessage(e as Error) });
      } finally {
        setBusyId(undefined);
        reload();
      }
    },
    [reload],
  );
  return { busyId, outcome, run };
}
