import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { datalakeTableReloadPermission } from '@datalake-portal/backstage-plugin-datalake-common';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { datalakeApiRef } from '../../api';
import { errorMessage } from '../../hooks/errorMessage';

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
  const [state, setState] = useState<
    | { kind: 'idle' }
    | { kind: 'confirming' }
    | { kind: 'requesting' }
    | { kind: 'requested'; sourceTable: string }
    | { kind: 'failed'; message: string }
  >({ kind: 'idle' });
  const reload = async () => {
    setState({ kind: 'requesting' });
    try {
      const requested = await api.reloadTable(entityRef);
      setState({ kind: 'requested', sourceTable: requested.sourceTable });
      onRequested();
    } catch (e) {
      setState({
        kind: 'failed',
        message: errorMessage(e instanceof Error ? e : new Error(String(e))),
      });
    }
  };
  return (
    <div style={{ marginBottom: 16 }}>
      {state.kind === 'confirming' ? (
        <>
          <Typography variant="body2" component="span">
            Load the source table again and rebuild this table from it?
          </Typography>
          <Button color="primary" onClick={reload} style={{ marginLeft: 8 }}>
            Reload now
          </Button>
          <Button onClick={() => setState({ kind: 'idle' })}>Cancel</Button>
        </>
      ) : (
        <Button
          variant="outlined"
          disabled={loading || !allowed || state.kind === 'requesting'}
          onClick={() => setState({ kind: 'confirming' })}
          title={
            allowed
              ? 'Load the MySQL table again with DMS and rebuild this table from it'
              : "Only the table's owners can reload it"
          }
        >
          Reload from source
        </Button>
      )}
      {state.kind === 'requested' && (
        <Typography variant="body2" component="span" style={{ marginLeft: 12 }}>
          DMS is loading {state.sourceTable} again; the pipeline runs when the
          load is complete
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
