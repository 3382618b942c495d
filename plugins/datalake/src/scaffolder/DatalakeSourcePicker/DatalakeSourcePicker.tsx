import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import InputLabel from '@material-ui/core/InputLabel';
import NativeSelect from '@material-ui/core/NativeSelect';
import Typography from '@material-ui/core/Typography';
import { useApi } from '@backstage/frontend-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import useAsync from 'react-use/esm/useAsync';
import { datalakeApiRef } from '../../api';

/**
 * Picks a configured MySQL source; shows its owner and whether it is ready for CDC.
 *
 * @public
 */
export function DatalakeSourcePicker(
  props: FieldExtensionComponentProps<string>,
) {
  const { formData, onChange, schema, required, rawErrors } = props;
  const api = useApi(datalakeApiRef);
  const sources = useAsync(() => api.listSources(), [api]);
  const preflight = useAsync(
    async () => (formData ? api.preflightSource(formData) : undefined),
    [api, formData],
  );
  const selected = sources.value?.find(s => s.id === formData);
  const serverBlockers =
    preflight.value?.findings.filter(
      f => f.severity === 'blocker' && !f.table,
    ) ?? [];
  return (
    <FormControl
      fullWidth
      margin="normal"
      required={required}
      error={(rawErrors?.length ?? 0) > 0 || !!sources.error}
    >
      <InputLabel htmlFor="datalake-source" shrink>
        {schema.title ?? 'Source'}
      </InputLabel>
      {/* A native select: keyboard- and test-friendly, and no menu overlay. */}
      <NativeSelect
        id="datalake-source"
        value={formData ?? ''}
        onChange={e => onChange(e.target.value)}
      >
        <option value="" disabled>
          {sources.loading ? 'Loading the sources…' : 'Choose a source'}
        </option>
        {(sources.value ?? []).map(s => (
          <option key={s.id} value={s.id}>
            {s.title} ({s.database})
          </option>
        ))}
      </NativeSelect>
      <FormHelperText>
        {sources.error
          ? `The sources could not be loaded: ${sources.error.message}`
          : schema.description}
      </FormHelperText>
      {selected && (
        <Typography variant="body2" data-testid="datalake-source-status">
          Owner: {selected.owner}. DMS: {selected.dmsMode ?? 'not configured'}.{' '}
          {preflight.loading && 'Checking CDC readiness…'}
          {preflight.error &&
            `The CDC preflight failed: ${preflight.error.message}`}
          {preflight.value?.ready && 'Ready for CDC.'}
          {preflight.value &&
            !preflight.value.ready &&
            `Not ready for CDC: ${serverBlockers
              .map(f => f.message)
              .join(
                ' ',
              )} The pipeline is created now; replication starts once this is fixed.`}
        </Typography>
      )}
    </FormControl>
  );
}
