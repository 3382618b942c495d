import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import Typography from '@material-ui/core/Typography';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import useAsync from 'react-use/esm/useAsync';
import { formValues } from '../formContext';
import { loadSilverTables } from '../silverTables';

/**
 * The silver tables of the chosen source (from the catalog), for a gold table's SQL to read.
 *
 * @public
 */
export function DatalakeSilverTablePicker(
  props: FieldExtensionComponentProps<string[]>,
) {
  const { formData, onChange, schema } = props;
  const { sourceId } = formValues(props as any);
  const catalogApi = useApi(catalogApiRef);
  const tables = useAsync(
    async () => (sourceId ? loadSilverTables(catalogApi, sourceId) : undefined),
    [catalogApi, sourceId],
  );
  const chosen = formData ?? [];
  if (!sourceId) return <Typography>Choose a source first.</Typography>;
  if (tables.loading)
    return <Typography>Loading the silver tables…</Typography>;
  if (tables.error || !tables.value) {
    return (
      <Typography color="error">
        The silver tables could not be loaded: {tables.error?.message}
      </Typography>
    );
  }
  const names = Object.keys(tables.value).sort();
  if (names.length === 0) {
    return (
      <Typography color="error">
        {sourceId} has no silver tables in the catalog yet: onboard it with the
        new MySQL ingestion template first.
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="h6">{schema.title ?? 'Silver tables'}</Typography>
      <FormGroup>
        {names.map(name => (
          <FormControlLabel
            key={name}
            label={`${name} (${tables.value![name].length} columns)`}
            control={
              <Checkbox
                checked={chosen.includes(name)}
                onChange={() =>
                  onChange(
                    chosen.includes(name)
                      ? chosen.filter(t => t !== name)
                      : [...chosen, name],
                  )
                }
              />
            }
          />
        ))}
      </FormGroup>
    </>
  );
}

/** @public */
export const datalakeSilverTablePickerValidation: CustomFieldValidator<
  string[]
> = (value, validation) => {
  if (!value || value.length === 0) {
    validation.addError('Choose at least one silver table.');
  }
};
