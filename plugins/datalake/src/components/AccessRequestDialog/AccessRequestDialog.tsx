import { stringifyEntityRef, Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  AccessPermission,
  AccessRequest,
  validateRowFilter,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  FormGroup,
  FormLabel,
  TextField,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import { datalakeApiRef } from '../../api';
import { errorMessage } from '../../hooks/errorMessage';
import { tableColumnsOf } from '../tableColumns';

/** @public */
export type AccessRequestDialogProps = {
  entity: Entity;
  open: boolean;
  onClose: () => void;
  onCreated?: (request: AccessRequest) => void;
};

/**
 * Asks for access to a table: columns from the entity's schema (none picked means the whole
 * table), an optional row filter checked as it is typed, permissions, duration, justification.
 *
 * @public
 */
export function AccessRequestDialog(props: AccessRequestDialogProps) {
  const { entity, open, onClose, onCreated } = props;
  const api = useApi(datalakeApiRef);
  const columns = tableColumnsOf(entity).map(c => c.name);
  const [picked, setPicked] = useState<string[]>([]);
  const [rowFilter, setRowFilter] = useState('');
  const [permissions, setPermissions] = useState<AccessPermission[]>([
    'SELECT',
  ]);
  const [durationDays, setDurationDays] = useState('30');
  const [justification, setJustification] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const filterCheck = rowFilter.trim()
    ? validateRowFilter(rowFilter, columns)
    : undefined;
  const filterError =
    filterCheck && !filterCheck.valid ? filterCheck.error : undefined;
  const days = Number(durationDays);
  const durationError =
    Number.isInteger(days) && days >= 1 ? undefined : 'A whole number of days';
  const canSubmit =
    !busy &&
    !filterError &&
    !durationError &&
    permissions.length > 0 &&
    justification.trim().length > 0;

  const toggle = <T,>(list: T[], value: T) =>
    list.includes(value) ? list.filter(v => v !== value) : [...list, value];

  async function submit() {
    setBusy(true);
    setError(undefined);
    try {
      const created = await api.createAccessRequest({
        entityRef: stringifyEntityRef(entity),
        ...(picked.length ? { columns: picked } : {}),
        ...(rowFilter.trim() ? { rowFilter: rowFilter.trim() } : {}),
        permissions,
        durationDays: days,
        justification: justification.trim(),
      });
      // A second request starts from a clean form.
      setPicked([]);
      setRowFilter('');
      setJustification('');
      onCreated?.(created);
      onClose();
    } catch (e) {
      setError(errorMessage(e as Error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>Request access to {entity.metadata.name}</DialogTitle>
      <DialogContent>
        <FormLabel component="legend">
          Columns (none selected: the whole table)
        </FormLabel>
        <FormGroup row>
          {columns.map(column => (
            <FormControlLabel
              key={column}
              control={
                <Checkbox
                  checked={picked.includes(column)}
                  onChange={() => setPicked(toggle(picked, column))}
                  inputProps={{ 'aria-label': `column ${column}` }}
                />
              }
              label={column}
            />
          ))}
        </FormGroup>
        <TextField
          id="datalake-access-row-filter"
          label="Row filter (optional)"
          placeholder="store_id = 1 AND active = 1"
          // The example stays readable instead of hiding under the label.
          InputLabelProps={{ shrink: true }}
          value={rowFilter}
          onChange={e => setRowFilter(e.target.value)}
          error={!!filterError}
          helperText={filterError ?? 'A condition over the columns above'}
          fullWidth
          margin="normal"
        />
        <FormLabel component="legend">Permissions</FormLabel>
        <FormGroup row>
          {(['SELECT', 'DESCRIBE'] as const).map(p => (
            <FormControlLabel
              key={p}
              control={
                <Checkbox
                  checked={permissions.includes(p)}
                  onChange={() => setPermissions(toggle(permissions, p))}
                />
              }
              label={p}
            />
          ))}
        </FormGroup>
        <TextField
          id="datalake-access-duration"
          label="Duration (days)"
          type="number"
          value={durationDays}
          onChange={e => setDurationDays(e.target.value)}
          error={!!durationError}
          helperText={durationError}
          margin="normal"
        />
        <TextField
          id="datalake-access-justification"
          label="Justification"
          value={justification}
          onChange={e => setJustification(e.target.value)}
          helperText="Why you need this access; the table's owners read it"
          required
          fullWidth
          multiline
          margin="normal"
        />
        {error && (
          <Typography color="error" role="alert">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={!canSubmit}
          onClick={submit}
        >
          {busy ? 'Sending…' : 'Send request'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
