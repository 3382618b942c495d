import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { datalakeApiRef } from '../../api';
import { mockDatalakeApi } from '../../testing/tables';
import { fieldProps, preflight } from '../__testUtils__/sourceReports';
import { DatalakeSourcePicker } from './DatalakeSourcePicker';

describe('DatalakeSourcePicker', () => {
  it("shows the chosen source's owner and why it is not ready for CDC", async () => {
    const api = mockDatalakeApi();
    api.listSources.mockResolvedValue([
      {
        id: 'sakila',
        title: 'Sakila DVD rentals',
        owner: 'group:default/data-engineering',
        database: 'sakila',
        dmsMode: 'replication-instance',
      },
    ]);
    api.preflightSource.mockResolvedValue(preflight);
    await renderInTestApp(
      <TestApiProvider apis={[[datalakeApiRef, api]]}>
        <DatalakeSourcePicker
          {...fieldProps('sakila', {}, 'Source database')}
        />
      </TestApiProvider>,
    );
    // The option names the database, never the host (backend-only, not in the API either).
    expect(
      await screen.findByRole('option', {
        name: 'Sakila DVD rentals (sakila)',
      }),
    ).toBeInTheDocument();
    const status = await screen.findByTestId('datalake-source-status');
    expect(status).toHaveTextContent('Owner: group:default/data-engineering');
    expect(
      await screen.findByText(/Not ready for CDC: Binary logging is off/),
    ).toBeInTheDocument();
    expect(api.preflightSource).toHaveBeenCalledWith('sakila');
  });
});
