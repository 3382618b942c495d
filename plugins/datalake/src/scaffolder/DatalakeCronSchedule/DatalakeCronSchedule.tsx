import TextField from '@material-ui/core/TextField';
import {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import {
  describeCronExpression,
  validateCronExpression,
} from '@datalake-portal/backstage-plugin-datalake-common';

/**
 * A cron expression (five fields, UTC) with a readable preview under it.
 *
 * @public
 */
export function DatalakeCronSchedule(
  props: FieldExtensionComponentProps<string>,
) {
  const { formData, onChange, schema, required, rawErrors } = props;
  const value = formData ?? '';
  const problem = value ? validateCronExpression(value) : undefined;
  const preview = value
    ? problem ?? describeCronExpression(value)
    : 'e.g. 0 2 * * * (every day at 02:00 UTC)';
  return (
    <TextField
      id="datalake-cron-schedule"
      label={schema.title ?? 'Schedule'}
      value={value}
      required={required}
      fullWidth
      margin="normal"
      onChange={e => onChange(e.target.value)}
      error={!!problem || (rawErrors?.length ?? 0) > 0}
      helperText={preview}
      inputProps={{ 'aria-label': 'cron expression' }}
    />
  );
}

/** The check the plan action repeats on the server. @public */
export const datalakeCronScheduleValidation: CustomFieldValidator<string> = (
  value,
  validation,
) => {
  const problem = validateCronExpression(value ?? '');
  if (problem) validation.addError(problem);
};
