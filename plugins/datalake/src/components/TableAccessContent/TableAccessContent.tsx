import { stringifyEntityRef } from '@backstage/catalog-model';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { AccessRequest } from '@datalake-portal/backstage-plugin-datalake-common';
import { Box, Button, Typography } from '@material-ui/core';
import { useState } from 'react';
import { datalakeApiRef } from '../../api';
import { AccessRequestDialog } from '../AccessRequestDialog';
import {
  AccessRequestTable,
  RequestActionOutcomeMessage,
  useAccessRequests,
  useRequestAction,
} from '../AccessRequestTable';

const CURRENT = ['pending', 'approved', 'granted'];

/**
 * The "Access" tab of a table: current grants and pending requests the caller may see, and the
 * Request access dialog.
 *
 * @public
 */
export function TableAccessContent() {
  const { entity } = useEntity();
  const api = useApi(datalakeApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<AccessRequest>();
  const { value, loading, error, retry } = useAccessRequests({ entityRef });
  const { busyId, outcome, run } = useRequestAction(retry);
  const current = (value ?? []).filter(r => CURRENT.includes(r.status));
  return (
    <Box>
      <Box mb={2} display="flex" alignItems="center">
        <Button
          variant="contained"
          color="primary"
          onClick={() => setOpen(true)}
        >
          Request access
        </Button>
        {created && (
          <Box ml={2}>
            <Typography role="status">
              Request sent; the owners of {created.database}.{created.table}{' '}
              will decide.
            </Typography>
          </Box>
        )}
      </Box>
      <AccessRequestDialog
        entity={entity}
        open={open}
        onClose={() => setOpen(false)}
        onCreated={request => {
          setCreated(request);
          retry();
        }}
      />
      <RequestActionOutcomeMessage outcome={outcome} />
      {loading && !value && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <AccessRequestTable
          title="Grants and pending requests"
          requests={current}
          busyId={busyId}
          emptyContent={
            <Box p={2}>
              <Typography color="textSecondary">
                No grants or pending requests on this table that you may see.
              </Typography>
            </Box>
          }
          actions={[
            {
              label: 'Revoke',
              when: r => r.status !== 'pending',
              run: r => run(r, () => api.revokeAccessRequest(r.id)),
            },
          ]}
        />
      )}
    </Box>
  );
}
