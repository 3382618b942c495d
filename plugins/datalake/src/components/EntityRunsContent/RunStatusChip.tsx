import Chip from '@material-ui/core/Chip';
import { useTheme } from '@material-ui/core/styles';

/** A coloured chip for a run or task status. @public */
export function RunStatusChip(props: { status: string }) {
  const theme = useTheme();
  const status = props.status.toLowerCase();
  let color = theme.palette.text.secondary;
  if (
    ['failed', 'timed-out', 'error'].includes(status) ||
    status.startsWith('past')
  ) {
    color = theme.palette.error.main;
  } else if (['running', 'starting'].includes(status)) {
    color = theme.palette.info.main;
  } else if (
    ['succeeded', 'ok'].includes(status) ||
    status.startsWith('within')
  ) {
    color = theme.palette.success.main;
  }
  return (
    <Chip
      size="small"
      label={props.status}
      data-testid={`run-status-${status}`}
      style={{ backgroundColor: color, color: theme.palette.common.white }}
    />
  );
}
