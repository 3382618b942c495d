import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  DATALAKE_ANNOTATIONS,
  datalakePipelineRunPermission,
  DmsTaskStatus,
  RunEntry,
  RunsResponse,
} from '@datalake-portal/backstage-plugin-datalake-common';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { datalakeApiRef } from '../../api';
import { isDataPipeline } from '../../isDatalakeTable';
import { errorMessage } from '../../hooks/errorMessage';
import { useRequestState } from '../../hooks/useRequestState';
import { formatCount, relativeTime } from '../../hooks/format';
import { PipelineSchedule } from '../PipelineSchedule';
import { formatDuration } from './formatDuration';
import { RunError } from './RunError';
import { ReloadTable } from './ReloadTable';
import { RunStatusChip } from './RunStatusChip';

const SOURCE_LABEL: Record<RunEntry['source'], string> = {
  glue: 'Glue job',
  stepFunctions: 'Step Functions',
};

function countText(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : formatCount(value);
}

function SourceErrors(props: { sources: RunsResponse['sources'] }) {
  const failed = Object.values(props.sources).filter(s => s.status === 'error');
  if (failed.length === 0) return null;
  return (
    <WarningPanel
      severity="warning"
      title="Part of the run status could not be read"
      message={failed.map(s => s.error).join('\n')}
    />
  );
}

function DmsTasks(props: { tasks: DmsTaskStatus[] }) {
  if (props.tasks.length === 0) return null;
  return (
    <Table size="small" aria-label="DMS tasks">
      <TableHead>
        <TableRow>
          <TableCell>DMS task</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Full load</TableCell>
          <TableCell>Table</TableCell>
          <TableCell align="right">Full-load rows</TableCell>
          <TableCell align="right">Inserts</TableCell>
          <TableCell align="right">Updates</TableCell>
          <TableCell align="right">Deletes</TableCell>
          <TableCell>Last change</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.tasks.flatMap(task =>
          (task.tables.length ? task.tables : [undefined]).map((t, i) => (
            <TableRow key={`${task.taskId}-${t?.schema}.${t?.table}-${i}`}>
              <TableCell>
                <Link to={task.consoleUrl}>{task.taskId}</Link>
                {task.lastFailureMessage && (
                  <Typography variant="caption" color="error" display="block">
                    {task.lastFailureMessage}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <RunStatusChip status={task.status} />
              </TableCell>
              <TableCell>
                {task.fullLoadProgressPercent === null
                  ? '—'
                  : `${task.fullLoadProgressPercent} %`}
              </TableCell>
              <TableCell>{t ? `${t.schema}.${t.table}` : '—'}</TableCell>
              <TableCell align="right">{countText(t?.fullLoadRows)}</TableCell>
              <TableCell align="right">{countText(t?.inserts)}</TableCell>
              <TableCell align="right">{countText(t?.updates)}</TableCell>
              <TableCell align="right">{countText(t?.deletes)}</TableCell>
              <TableCell>
                {t?.lastUpdateTime ? relativeTime(t.lastUpdateTime) : '—'}
              </TableCell>
            </TableRow>
          )),
        )}
      </TableBody>
    </Table>
  );
}

function Runs(props: { runs: RunEntry[] }) {
  return (
    <Table size="small" aria-label="Runs">
      <TableHead>
        <TableRow>
          <TableCell>Started</TableCell>
          <TableCell>Kind</TableCell>
          <TableCell>Name</TableCell>
          <TableCell>Status</TableCell>
          <TableCell align="right">Duration</TableCell>
          <TableCell align="right">DPU-seconds</TableCell>
          <TableCell>Error</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.runs.map(run => (
          <TableRow key={`${run.source}:${run.id}`} data-testid="run-row">
            <TableCell title={run.startedAt}>
              {run.startedAt ? relativeTime(run.startedAt) : '—'}
            </TableCell>
            <TableCell>{SOURCE_LABEL[run.source]}</TableCell>
            <TableCell>
              <Link to={run.consoleUrl}>{run.name}</Link>
              <Typography variant="caption" display="block">
                {run.id.length > 24 ? `${run.id.slice(0, 24)}…` : run.id}
              </Typography>
            </TableCell>
            <TableCell>
              <RunStatusChip status={run.status} />
            </TableCell>
            <TableCell align="right">
              {formatDuration(run.durationSeconds)}
            </TableCell>
            <TableCell align="right">
              {run.dpuSeconds === null ? '—' : formatCount(run.dpuSeconds)}
            </TableCell>
            <TableCell style={{ maxWidth: 480 }}>
              <RunError run={run} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function runNowTitle(pipeline: boolean, allowed: boolean): string {
  if (pipeline) {
    return allowed
      ? 'Start this pipeline now'
      : 'Only the owners of every table the pipeline writes can run it';
  }
  return allowed
    ? 'Start the pipeline that writes this table now'
    : "Only the table's owners can run its pipeline";
}

/**
 * "Run now": starts the table's pipeline, or the pipeline viewed, outside its schedule, for those
 * the policy lets (the table's owners and admins; for a pipeline, the server asks on every table
 * it writes); others see why the button is not for them.
 */
function RunNow(props: {
  entityRef: string;
  pipeline: boolean;
  onStarted: () => void;
}) {
  const { entityRef, pipeline, onStarted } = props;
  const api = useApi(datalakeApiRef);
  const { allowed, loading } = usePermission({
    permission: datalakePipelineRunPermission,
    resourceRef: entityRef,
  });
  const { state, send } = useRequestState(
    () => api.startPipelineRun(entityRef),
    onStarted,
  );
  return (
    <div style={{ marginBottom: 16 }}>
      <Button
        variant="contained"
        color="primary"
        disabled={loading || !allowed || state.kind === 'pending'}
        onClick={send}
        title={runNowTitle(pipeline, allowed)}
      >
        Run now
      </Button>
      {state.kind === 'done' && (
        <Typography variant="body2" component="span" style={{ marginLeft: 12 }}>
          Started execution {state.value.executionName}
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

/**
 * The "Runs" tab of a table: when its pipeline runs next, the DMS task feeding it, and the Glue
 * job runs and Step Functions executions of it and its upstream tables, newest first. On a
 * pipeline entity, the same for the pipeline and the tables it writes.
 *
 * @public
 */
export function EntityRunsContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const pipeline = isDataPipeline(entity);
  // Bronze and silver tables have one MySQL table behind them; gold tables several.
  const layer = entity.metadata.annotations?.[DATALAKE_ANNOTATIONS.layer];
  const reloadable = layer === 'bronze' || layer === 'silver';
  const api = useApi(datalakeApiRef);
  const [more, setMore] = useState<RunEntry[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getRuns(entityRef),
    [api, entityRef],
  );
  useEffect(() => {
    setMore([]);
    setCursor(value?.nextCursor);
  }, [value]);

  const loadMore = async () => {
    if (!cursor) return;
    const page = await api.getRuns(entityRef, { cursor });
    setMore(m => [...m, ...page.runs]);
    setCursor(page.nextCursor);
  };

  return (
    <InfoCard title="Runs" subheader="DMS, Glue and Step Functions">
      <RunNow entityRef={entityRef} pipeline={pipeline} onStarted={retry} />
      {reloadable && <ReloadTable entityRef={entityRef} onRequested={retry} />}
      {loading && <Progress />}
      {error && (
        <WarningPanel
          severity="error"
          title="Could not load the run status"
          message={errorMessage(error)}
        >
          <Button onClick={retry}>Retry</Button>
        </WarningPanel>
      )}
      {value && (
        <>
          <SourceErrors sources={value.sources} />
          <Typography variant="body2" paragraph>
            <PipelineSchedule runs={value} />
          </Typography>
          <DmsTasks tasks={value.dms} />
          {value.runs.length === 0 ? (
            <Typography>No runs yet.</Typography>
          ) : (
            <Runs runs={[...value.runs, ...more]} />
          )}
          {cursor && <Button onClick={loadMore}>Older runs</Button>}
        </>
      )}
    </InfoCard>
  );
}
