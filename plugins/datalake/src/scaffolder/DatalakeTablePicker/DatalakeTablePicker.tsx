import { useState } from 'react';
import Checkbox from '@material-ui/core/Checkbox';
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
  tableBlockers,
  validateTableSelection,
} from '@datalake-portal/backstage-plugin-datalake-common';
import useAsync from 'react-use/esm/useAsync';
import { datalakeApiRef } from '../../api';
import { formValues } from '../formContext';

/**
 * The tables of the chosen source: searchable, with row counts, merge key, type warnings and the
 * preflight's findings; tables with blockers cannot be picked and say why.
 *
 * @public
 */
export function DatalakeTablePicker(
  props: FieldExtensionComponentProps<string[]>,
) {
  const { formData, onChange, schema } = props;
  const { sourceId } = formValues(props as any);
  const api = useApi(datalakeApiRef);
  const [search, setSearch] = useState('');
  const report = useAsync(
    async () =>
      sourceId
        ? Promise.all([
            api.inspectSource(sourceId),
            api.preflightSource(sourceId),
          ])
        : undefined,
    [api, sourceId],
  );
  const chosen = formData ?? [];
  if (!sourceId) {
    return <Typography>Choose a source first.</Typography>;
  }
  if (report.loading) {
    return <Typography>Inspecting {sourceId}…</Typography>;
  }
  if (report.error || !report.value) {
    return (
      <Typography color="error">
        The source could not be inspected: {report.error?.message}
      </Typography>
    );
  }
  const [inspection, preflight] = report.value;
  const blockers = tableBlockers(inspection);
  const serverFindings = preflight.findings.filter(
    f => !f.table && f.severity !== 'info',
  );
  // The preflight repeats the inspection's table findings; each is shown once.
  const warningsOf = (table: string) => [
    ...new Set(
      [...inspection.findings, ...preflight.findings]
        .filter(f => f.table === table && f.severity === 'warning')
        .map(f => f.message),
    ),
  ];
  const visible = inspection.tables.filter(t =>
    t.name.toLowerCase().includes(search.toLowerCase()),
  );
  const toggle = (name: string) =>
    onChange(
      chosen.includes(name)
        ? chosen.filter(t => t !== name)
        : [...chosen, name],
    );
  return (
    <>
      <Typography variant="h6">{schema.title ?? 'Tables'}</Typography>
      {serverFindings.length > 0 && (
        <div data-testid="datalake-preflight-findings">
          <Typography variant="subtitle2">Preflight findings</Typography>
          <ul>
            {serverFindings.map(f => (
              <li key={f.code}>
                <Typography
                  variant="body2"
                  color={f.severity === 'blocker' ? 'error' : 'textPrimary'}
                >
                  {f.severity}: {f.message}
                  {f.fix ? ` Fix: ${f.fix}` : ''}
                </Typography>
              </li>
            ))}
          </ul>
        </div>
      )}
      <TextField
        id="datalake-table-search"
        label="Search tables"
        value={search}
        onChange={e => setSearch(e.target.value)}
        margin="dense"
      />
      <Table size="small" aria-label="source tables">
        <TableHead>
          <TableRow>
            <TableCell padding="checkbox" />
            <TableCell>Table</TableCell>
            <TableCell align="right">Rows (approx.)</TableCell>
            <TableCell>Merge key</TableCell>
            <TableCell>Findings</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {visible.map(t => {
            const blocked = blockers[t.name];
            const warnings = warningsOf(t.name);
            return (
              <TableRow key={t.name} data-testid={`table-row-${t.name}`}>
                <TableCell padding="checkbox">
                  <Checkbox
                    checked={chosen.includes(t.name)}
                    disabled={!!blocked && !chosen.includes(t.name)}
                    onChange={() => toggle(t.name)}
                    inputProps={{ 'aria-label': `choose ${t.name}` }}
                  />
                </TableCell>
                <TableCell>{t.name}</TableCell>
                <TableCell align="right">
                  {t.approximateRows?.toLocaleString('en-US') ?? '—'}
                </TableCell>
                <TableCell>
                  {t.mergeKey
                    ? `${t.mergeKey.columns.join(', ')}${
                        t.mergeKey.origin === 'unique-key'
                          ? ` (unique key ${t.mergeKey.name})`
                          : ''
                      }`
                    : 'none'}
                </TableCell>
                <TableCell>
                  {blocked && (
                    <Typography variant="body2" color="error">
                      Cannot be ingested: {blocked.join(' ')}
                    </Typography>
                  )}
                  {warnings.map(message => (
                    <Typography key={message} variant="caption" display="block">
                      {message}
                    </Typography>
                  ))}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </>
  );
}

/** The check the plan action repeats on the server. @public */
export const datalakeTablePickerValidation: CustomFieldValidator<
  string[]
> = async (value, validation, context) => {
  const sourceId = context.formData?.sourceId;
  const api = context.apiHolder.get(datalakeApiRef);
  const report =
    api && typeof sourceId === 'string' && value?.length
      ? await api.inspectSource(sourceId)
      : undefined;
  for (const problem of validateTableSelection(value, report)) {
    validation.addError(problem);
  }
};
