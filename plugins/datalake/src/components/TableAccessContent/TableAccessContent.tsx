import { stringifyEntityRef } from '@backstage/catalog-model';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Box, Button } from '@material-ui/core';
import { useState } from 'react';
import { datalakeApiRef } from '../../api';
import { AccessRequestDialog } from '../AccessRequestDialog';
import { AccessRequestTable } from '../AccessRequestTable';
import { useAccessRequests } from '../AccessRequestTable/useAccessRequests';

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
  const { value, loading, error, retry } = useAccessRequests({ entityRef });
  const current = (value ?? []).filter(r =>
    ['pending', 'approved', 'granted'].includes(r.status),
  );
  return (
    <Box>
      <Box mb={2}>
        <Button
          variant="contained"
          color="primary"
          onClick={() => setOpen(true)}
        >
          Request access
        </Button>
      </Box>
      <AccessRequestDialog
        entity={entity}
        open={open}
        onClose={() => setOpen(false)}
        onCreated={retry}
      />
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <AccessRequestTable
          title="Grants and pending requests"
          requests={current}
          actions={[
            {
              label: 'Revoke',
              when: r => r.status !== 'pending',
              run: r => api.revokeAccessRequest(r.id).then(retry, retry),
            },
          ]}
        />
      )}
    </Box>
  );
}
