import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import {
  LINEAGE_DEPTH,
  LineageNode,
} from '@datalake-portal/backstage-plugin-datalake-common';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { datalakeApiRef } from '../../api';
import { errorMessage } from '../../hooks/errorMessage';
import { columnPath, LineageGraph } from '../LineageGraph';

const DEPTHS = Array.from({ length: LINEAGE_DEPTH.max }, (_, i) => i + 1);

/**
 * The "Lineage" tab of a table: the graph from the MySQL source to gold, a depth control and
 * column lineage for a selected column. Clicking a node with a catalog entity opens it.
 *
 * @public
 */
export function EntityLineageContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(datalakeApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const navigate = useNavigate();
  const [depth, setDepth] = useState<number>(LINEAGE_DEPTH.default);
  const [column, setColumn] = useState<string>('');
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getLineage(entityRef, depth),
    [api, entityRef, depth],
  );

  const root = value?.nodes.find(n => n.id === value.rootId);
  const path = useMemo(
    () =>
      value && column
        ? columnPath(value.columnEdges, { nodeId: value.rootId, column })
        : undefined,
    [value, column],
  );
  const highlighted = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const c of path?.columns ?? []) {
      map.set(c.nodeId, [...(map.get(c.nodeId) ?? []), c.column]);
    }
    return map;
  }, [path]);

  const open = (node: LineageNode) => {
    if (!node.entityRef) return;
    const ref = parseEntityRef(node.entityRef);
    navigate(
      entityRoute({
        kind: ref.kind.toLocaleLowerCase('en-US'),
        namespace: ref.namespace,
        name: ref.name,
      }),
    );
  };

  return (
    <InfoCard
      title="Lineage"
      subheader="MySQL → DMS → S3 landing → bronze → silver → gold, from the catalog and the lineage the pipeline records"
    >
      <div style={{ display: 'flex', gap: 16, marginBottom: 16 }}>
        <FormControl style={{ minWidth: 120 }}>
          <InputLabel id="lineage-depth-label">Depth</InputLabel>
          <Select
            labelId="lineage-depth-label"
            value={depth}
            onChange={e => setDepth(Number(e.target.value))}
            inputProps={{ 'data-testid': 'lineage-depth' }}
          >
            {DEPTHS.map(d => (
              <MenuItem key={d} value={d}>
                {d}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControl style={{ minWidth: 220 }}>
          <InputLabel id="lineage-column-label">Column lineage</InputLabel>
          <Select
            labelId="lineage-column-label"
            value={column}
            onChange={e => setColumn(String(e.target.value))}
            inputProps={{ 'data-testid': 'lineage-column' }}
          >
            <MenuItem value="">None</MenuItem>
            {(root?.columns ?? []).map(c => (
              <MenuItem key={c.name} value={c.name}>
                {c.name}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
      </div>
      {loading && <Progress />}
      {error && (
        <WarningPanel
          severity="error"
          title="Could not load the lineage"
          message={errorMessage(error)}
        >
          <Typography
            component="button"
            variant="body2"
            onClick={retry}
            style={{ cursor: 'pointer' }}
          >
            Retry
          </Typography>
        </WarningPanel>
      )}
      {value && value.warnings.length > 0 && (
        <WarningPanel
          severity="warning"
          title="Some lineage facts could not be read"
          message={value.warnings.join('\n')}
        />
      )}
      {value && value.nodes.length <= 1 && (
        <EmptyState
          missing="data"
          title="No lineage recorded"
          description="This table has no recorded upstream or downstream tables."
        />
      )}
      {value && value.nodes.length > 1 && (
        <div style={{ overflow: 'auto' }}>
          <LineageGraph
            graph={value}
            highlightedColumns={path ? highlighted : undefined}
            columnEdges={path?.edges}
            onNodeClick={open}
          />
        </div>
      )}
    </InfoCard>
  );
}
