import { useEffect, useRef } from 'react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import {
  SourceTable,
  toGlueName,
  validateSilverColumnName,
  validateSilverColumns,
} from '@datalake-portal/backstage-plugin-datalake-common';
import useAsync from 'react-use/esm/useAsync';
import { datalakeApiRef } from '../../api';
import { formValues } from '../formContext';

/** Per table: bronze (Glue) column name → silver column name. */
type SilverColumns = Record<string, Record<string, string>>;

/** The snake_case suggestion for every column of the tables, keeping what was typed. */
function withSuggestions(
  tables: SourceTable[],
  current: SilverColumns,
): SilverColumns {
  return Object.fromEntries(
    tables.map(t => [
      t.name,
      Object.fromEntries(
        t.columns.map(c => {
          const bronze = toGlueName(c.name);
          return [bronze, current[t.name]?.[bronze] ?? bronze];
        }),
      ),
    ]),
  );
}

/**
 * An editable grid of each chosen table's silver column names, prefilled with snake_case
 * suggestions and checked as they are typed.
 *
 * @public
 */
export function DatalakeColumnRenames(
  props: FieldExtensionComponentProps<SilverColumns>,
) {
  const { formData, onChange } = props;
  const { sourceId, tables } = formValues(props as any);
  const api = useApi(datalakeApiRef);
  const key = (tables ?? []).join(',');
  const inspection = useAsync(
    async () =>
      sourceId && tables?.length
        ? api.inspectSource(sourceId, tables)
        : undefined,
    [api, sourceId, key],
  );
  const value = formData ?? {};
  const suggested = inspection.value
    ? withSuggestions(inspection.value.tables, value)
    : undefined;
  // The suggestions are written into the form only when they change (compared as JSON text, as
  // the objects are rebuilt on every render), never because the person edited a name; the
  // latest form data and onChange are read through a ref for that reason.
  const suggestedJson = suggested ? JSON.stringify(suggested) : undefined;
  const latest = useRef({ formData, onChange });
  latest.current = { formData, onChange };
  useEffect(() => {
    const current = latest.current;
    if (
      suggestedJson !== undefined &&
      suggestedJson !== JSON.stringify(current.formData ?? {})
    ) {
      current.onChange(JSON.parse(suggestedJson));
    }
  }, [suggestedJson]);

  if (!sourceId || !tables?.length) {
    return <Typography>Choose the tables first.</Typography>;
  }
  if (inspection.error) {
    return (
      <Typography color="error">
        The tables could not be inspected: {inspection.error.message}
      </Typography>
    );
  }
  if (!inspection.value || !suggested) {
    return <Typography>Loading the columns…</Typography>;
  }
  const rename = (table: string, column: string, name: string) =>
    onChange({
      ...suggested,
      [table]: { ...suggested[table], [column]: name },
    });
  return (
    <>
      {inspection.value.tables.map(t => {
        const duplicates = validateSilverColumns(t.name, suggested[t.name]);
        return (
          <div key={t.name}>
            <Typography variant="h6">{t.name}</Typography>
            <Typography variant="body2">
              Merge key:{' '}
              {t.mergeKey
                ? `${t.mergeKey.columns.join(', ')} (${
                    t.mergeKey.origin === 'primary-key'
                      ? 'primary key'
                      : `unique key ${t.mergeKey.name}, no primary key`
                  })`
                : 'none'}
            </Typography>
            <Table size="small" aria-label={`silver columns of ${t.name}`}>
              <TableHead>
                <TableRow>
                  <TableCell>Source column</TableCell>
                  <TableCell>MySQL type</TableCell>
                  <TableCell>Silver column name</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {t.columns.map(c => {
                  const bronze = toGlueName(c.name);
                  const name = suggested[t.name][bronze];
                  const problem =
                    validateSilverColumnName(t.name, bronze, name) ??
                    duplicates.find(d => d.includes(`'${name}'`));
                  return (
                    <TableRow key={c.name}>
                      <TableCell>{c.name}</TableCell>
                      <TableCell>{c.mysqlType}</TableCell>
                      <TableCell>
                        <TextField
                          value={name}
                          onChange={e => rename(t.name, bronze, e.target.value)}
                          error={!!problem}
                          helperText={problem}
                          inputProps={{
                            'aria-label': `silver name of ${t.name}.${c.name}`,
                          }}
                        />
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </div>
        );
      })}
    </>
  );
}

/** The check the plan action repeats on the server. @public */
export const datalakeColumnRenamesValidation: CustomFieldValidator<
  SilverColumns
> = (value, validation) => {
  for (const [table, names] of Object.entries(value ?? {})) {
    for (const problem of validateSilverColumns(table, names)) {
      validation.addError(problem);
    }
  }
};
