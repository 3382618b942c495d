import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { datalakeTableReloadPermission } from '@datalake-portal/backstage-plugin-datalake-common';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { datalakeApiRef } from '../../api';
import { useRequestState } from '../../hooks/useRequestState';

/**
 * "Reload": loads the MySQL table behind a bronze or silver table again (DMS ReloadTables) and
 * rebuilds the table from it, for those the policy lets (the table's owners and admins). It asks
 * once more before it starts: a reload reads the whole source table.
 */
export function ReloadTable(props: {
  entityRef: string;
  onRequested: () => void;
}) {
  const { entityRef, onRequested } = props;
  const api = useApi(datalakeApiRef);
  const { allowed, loading } = usePermission({
    permission: datalakeTableReloadPermission,
    resourceRef: entityRef,
  });
  const [confirming, setConfirming] = useState(false);
  const { state, send } = useRequestState(
    () => api.reloadTable(entityRef),
    onRequested,
  );
  const reload = () => {
    setConfirming(false);
    return send();
  };
  return (
    <div style={{ marginBottom: 16 }}>
      {confirming ? (
        <>
          <Typography variant="body2" component="span">
            Load the source table again and rebuild this table from it?
          </Typography>
          <Button color="primary" onClick={reload} style={{ marginLeft: 8 }}>
            Reload now
          </Button>
          <Button onClick={() => setConfirming(false)}>Cancel</Button>
        </>
      ) : (
        <Button
          variant="outlined"
          disabled={loading || !allowed || state.kind === 'pending'}
          onClick={() => setConfirming(true)}
          title={
            allowed
              ? 'Load the MySQL table again with DMS and rebuild this table from it'
              : "Only the table's owners can reload it"
          }
        >
          Reload from source
        </Button>
      )}
      {state.kind === 'done' && (
        <Typography variant="body2" component="span" style={{ marginLeft: 12 }}>
          DMS is loading {state.value.sourceTable} again; the pipeline runs when
          the load is complete
        </Typography>
      )}
      {state.kind === 'failed' && (
        <Typography
          variant="body2"
          color="error"
          component="span"
          role="alert"
          style={{ marginLeft: 12 }}
        >
          {state.message}
        </Typography>
      )}
    </div>
  );
}
