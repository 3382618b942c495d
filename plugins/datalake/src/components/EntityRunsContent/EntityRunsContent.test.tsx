import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { RunsResponse } from '@datalake-portal/backstage-plugin-datalake-common';
import { screen } from '@testing-library/react';
import { datalakeApiRef } from '../../api';
import { mockDatalakeApi, rentalEntity } from '../../testing/tables';
import { EntityRunsContent } from './EntityRunsContent';

const response: RunsResponse = {
  entityRef: 'resource:default/sakila_silver.rental',
  sources: {
    dms: { status: 'error', error: 'DMS: Service unavailable' },
    glue: { status: 'ok' },
    stepFunctions: { status: 'ok' },
  },
  dms: [],
  runs: [
    {
      source: 'glue',
      id: 'jr_1',
      name: 'datalake-sakila-silver-rental',
      status: 'failed',
      awsStatus: 'FAILED',
      startedAt: '2024-08-09T02:00:00.000Z',
      endedAt: '2024-08-09T02:03:05.000Z',
      durationSeconds: 185,
      dpuSeconds: 370,
      error: 'AnalysisException: column last_update cannot be resolved',
      failedState: null,
      consoleUrl: 'https://us-east-1.console.aws.amazon.com/gluestudio/home',
    },
  ],
  checkedAt: '2024-08-09T03:00:00.000Z',
};

describe('EntityRunsContent', () => {
  it('shows failed runs with their error and names the source that failed', async () => {
    const api = mockDatalakeApi();
    api.getRuns.mockResolvedValue(response);
    await renderInTestApp(
      <TestApiProvider apis={[[datalakeApiRef, api]]}>
        <EntityProvider entity={rentalEntity}>
          <EntityRunsContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(/column last_update cannot be resolved/),
    ).toBeInTheDocument();
    expect(screen.getByTestId('run-status-failed')).toBeInTheDocument();
    expect(screen.getByText('3 min 05 s')).toBeInTheDocument();
    expect(screen.getByText(/DMS: Service unavailable/)).toBeInTheDocument();
    expect(api.getRuns).toHaveBeenCalledWith(
      'resource:default/sakila-silver-rental',
    );
  });
});
