import {
  RUN_ERROR_HIDDEN_MESSAGE,
  RunEntry,
  RunLogTail,
} from '@datalake-portal/backstage-plugin-datalake-common';
import Typography from '@material-ui/core/Typography';

function LogTail(props: { tail: RunLogTail }) {
  const { tail } = props;
  if (tail.status === 'none') {
    return (
      <Typography variant="caption" display="block">
        No error log ({tail.logGroup})
      </Typography>
    );
  }
  return (
    <details>
      <summary>
        <Typography variant="caption" component="span">
          Log tail
        </Typography>
      </summary>
      <Typography variant="caption" display="block">
        {tail.truncated ? `Last ${tail.lines.length} lines of ` : ''}
        {tail.logGroup} · {tail.logStream}
      </Typography>
      <pre
        aria-label="Log tail"
        style={{
          fontFamily: 'monospace',
          fontSize: '0.75rem',
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-word',
          maxHeight: 320,
          overflow: 'auto',
          margin: 0,
        }}
      >
        {tail.lines.join('\n')}
      </pre>
    </details>
  );
}

/**
 * The error column of a run: the failing state, the error and the tail of the error log, or the
 * note that they are hidden from a caller who may not read the table's data.
 */
export function RunError(props: { run: RunEntry }) {
  const { run } = props;
  return (
    <>
      {run.failedState && (
        <Typography variant="caption" display="block">
          Failed state: {run.failedState}
        </Typography>
      )}
      {run.errorHidden && (
        <Typography variant="body2" color="textSecondary">
          {RUN_ERROR_HIDDEN_MESSAGE}
        </Typography>
      )}
      {run.error && (
        <Typography
          variant="body2"
          color="error"
          style={{ wordBreak: 'break-word' }}
        >
          {run.error}
        </Typography>
      )}
      {run.logTail && <LogTail tail={run.logTail} />}
    </>
  );
}
