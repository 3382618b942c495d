import { Box, Typography } from '@material-ui/core';
import { RequestActionOutcome } from './useRequestAction';

/** The outcome of the last approve, reject or revoke, announced to screen readers too. */
export function RequestActionOutcomeMessage(props: {
  outcome?: RequestActionOutcome;
}) {
  const { outcome } = props;
  if (!outcome) return null;
  return (
    <Box mb={2}>
      <Typography
        role={outcome.severity === 'error' ? 'alert' : 'status'}
        color={outcome.severity === 'error' ? 'error' : 'textPrimary'}
      >
        {outcome.text}
      </Typography>
    </Box>
  );
}
