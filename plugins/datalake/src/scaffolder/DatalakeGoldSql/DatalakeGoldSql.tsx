import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import { previewGoldColumns } from '@datalake-portal/backstage-plugin-datalake-common';
import useAsync from 'react-use/esm/useAsync';
import { formValues } from '../formContext';
import { loadSilverTables } from '../silverTables';

function chosenSchemas(
  all: Record<string, Array<{ name: string; type: string }>>,
  chosen: string[] | undefined,
) {
  return Object.fromEntries(
    Object.entries(all).filter(([name]) => (chosen ?? []).includes(name)),
  );
}

/**
 * The SQL of a gold table with a live preview of the columns it produces, derived from the
 * select list and the chosen silver tables' schemas (the server derives the gold table's columns
 * with the same function).
 *
 * @public
 */
export function DatalakeGoldSql(props: FieldExtensionComponentProps<string>) {
  const { formData, onChange, schema, required, rawErrors } = props;
  const data = (props.formContext?.formData ?? {}) as {
    silverTables?: string[];
  };
  const { sourceId } = formValues(props as any);
  const catalogApi = useApi(catalogApiRef);
  const tables = useAsync(
    async () => (sourceId ? loadSilverTables(catalogApi, sourceId) : undefined),
    [catalogApi, sourceId],
  );
  const sql = formData ?? '';
  const preview =
    sql && tables.value
      ? previewGoldColumns(sql, chosenSchemas(tables.value, data.silverTables))
      : undefined;
  return (
    <>
      <TextField
        id="datalake-gold-sql"
        label={schema.title ?? 'SQL'}
        value={sql}
        required={required}
        multiline
        minRows={5}
        fullWidth
        margin="normal"
        onChange={e => onChange(e.target.value)}
        error={(rawErrors?.length ?? 0) > 0 || !!preview?.problems.length}
        helperText={`Reads ${
          (data.silverTables ?? []).join(', ') || 'no table yet'
        }${sourceId ? ` of ${sourceId.replace(/-/g, '_')}_silver` : ''}`}
      />
      {preview?.problems.map(p => (
        <Typography key={p} color="error" variant="body2">
          {p}
        </Typography>
      ))}
      {preview && preview.columns.length > 0 && (
        <Table size="small" aria-label="gold columns preview">
          <TableHead>
            <TableRow>
              <TableCell>Gold column</TableCell>
              <TableCell>Type</TableCell>
              <TableCell>Expression</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {preview.columns.map(c => (
              <TableRow key={c.name}>
                <TableCell>{c.name}</TableCell>
                <TableCell>{c.type}</TableCell>
                <TableCell>
                  <code>{c.expression}</code>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}

/** The check `datalake:pipeline:gold:plan` repeats on the server. @public */
export const datalakeGoldSqlValidation: CustomFieldValidator<string> = async (
  value,
  validation,
  context,
) => {
  const sourceId = context.formData?.sourceId;
  const catalogApi = context.apiHolder.get(catalogApiRef);
  if (!catalogApi || typeof sourceId !== 'string') return;
  const all = await loadSilverTables(catalogApi, sourceId);
  const chosen = context.formData?.silverTables as string[] | undefined;
  for (const problem of previewGoldColumns(
    value ?? '',
    chosenSchemas(all, chosen),
  ).problems) {
    validation.addError(problem);
  }
};
