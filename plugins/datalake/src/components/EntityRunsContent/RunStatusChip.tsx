import Chip from '@material-ui/core/Chip';
import { useTheme } from '@material-ui/core/styles';

/** A coloured chip for a run or task status. @public */
export function RunStatusChip(props: { status: string }) {
  const theme = useTheme();
  const status = props.status.toLowerCase();
  const color =
    status === 'failed' || status === 'timed-out' || status === 'error'
      ? theme.palette.error.main
      : status === 'running' || status === 'starting'
      ? theme.palette.info.main
      : status === 'succeeded' || status === 'ok'
      ? theme.palette.success.main
      : theme.palette.text.secondary;
  return (
    <Chip
      size="small"
      label={props.status}
      data-testid={`run-status-${status}`}
      style={{ backgroundColor: color, color: theme.palette.common.white }}
    />
  );
}
