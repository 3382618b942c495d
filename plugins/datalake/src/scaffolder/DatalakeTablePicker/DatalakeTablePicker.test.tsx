import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { datalakeApiRef } from '../../api';
import { mockDatalakeApi } from '../../testing/tables';
import {
  fieldProps,
  inspection,
  preflight,
} from '../__testUtils__/sourceReports';
import {
  DatalakeTablePicker,
  datalakeTablePickerValidation,
} from './DatalakeTablePicker';

function api() {
  const mock = mockDatalakeApi();
  mock.inspectSource.mockResolvedValue(inspection);
  mock.preflightSource.mockResolvedValue(preflight);
  return mock;
}

describe('DatalakeTablePicker', () => {
  it('lists the tables with rows, keys and findings, and keeps blocked tables out', async () => {
    const props = fieldProps<string[]>(['actor'], { sourceId: 'sakila' });
    await renderInTestApp(
      <TestApiProvider apis={[[datalakeApiRef, api()]]}>
        <DatalakeTablePicker {...props} />
      </TestApiProvider>,
    );
    expect(await screen.findByText('1,000')).toBeInTheDocument();
    expect(screen.getByText(/Binary logging is off/)).toBeInTheDocument();
    expect(screen.getByText(/zero dates/)).toBeInTheDocument();
    expect(
      screen.getByText(
        /Cannot be ingested: Table audit_log has no primary key/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('checkbox', { name: 'choose audit_log' }),
    ).toBeDisabled();
    expect(
      screen.getByRole('checkbox', { name: 'choose actor' }),
    ).toBeChecked();

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'choose film' }),
    );
    expect(props.onChange).toHaveBeenCalledWith(['actor', 'film']);

    await userEvent.type(screen.getByLabelText('Search tables'), 'fil');
    expect(screen.queryByText('actor')).not.toBeInTheDocument();
    expect(screen.getByText('film')).toBeInTheDocument();
  });

  it('asks for a source first', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[datalakeApiRef, api()]]}>
        <DatalakeTablePicker {...fieldProps<string[]>([])} />
      </TestApiProvider>,
    );
    expect(screen.getByText('Choose a source first.')).toBeInTheDocument();
  });
});

describe('datalakeTablePickerValidation', () => {
  async function errorsFor(tables: string[]) {
    const validation = { addError: jest.fn() };
    await datalakeTablePickerValidation(tables, validation as any, {
      apiHolder: { get: () => api() } as any,
      formData: { sourceId: 'sakila' },
      schema: {},
    });
    return validation.addError.mock.calls.map(([message]) => message);
  }

  it('refuses no table and a blocked table with the messages the server uses', async () => {
    expect(await errorsFor([])).toEqual([
      'Choose at least one table to ingest.',
    ]);
    expect(await errorsFor(['actor', 'audit_log'])).toEqual([
      "Table 'audit_log' cannot be ingested: Table audit_log has no primary key and no unique key over NOT NULL columns.",
    ]);
    expect(await errorsFor(['actor', 'film'])).toEqual([]);
  });
});
