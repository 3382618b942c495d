import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  RunEntry,
  RunsResponse,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { fireEvent, screen } from '@testing-library/react';
import { datalakeApiRef } from '../../api';
import { mockDatalakeApi, rentalEntity } from '../../testing/tables';
import { EntityRunsContent } from './EntityRunsContent';

const response: RunsResponse = {
  entityRef: 'resource:default/sakila_silver.rental',
  sources: {
    dms: { status: 'error', error: 'DMS: Service unavailable' },
    glue: { status: 'ok' },
    stepFunctions: { status: 'ok' },
    logs: { status: 'ok' },
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

const failedRun = response.runs[0];

async function renderRuns(runs: RunEntry[]) {
  const api = mockDatalakeApi();
  api.getRuns.mockResolvedValue({ ...response, runs });
  await renderInTestApp(
    <TestApiProvider apis={[[datalakeApiRef, api]]}>
      <EntityProvider entity={rentalEntity}>
        <EntityRunsContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

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

  it("shows the tail of a failed run's error log in a collapsed monospace block", async () => {
    await renderRuns([
      {
        ...failedRun,
        logTail: {
          logGroup: '/aws-glue/jobs/error',
          logStream: 'jr_1',
          status: 'ok',
          lines: ['Traceback (most recent call last):', 'ValueError: row 3'],
          truncated: true,
        },
      },
    ]);
    const toggle = await screen.findByText('Log tail');
    const block = screen.getByLabelText('Log tail');
    expect(block.tagName).toBe('PRE');
    expect(block).toHaveTextContent(
      'Traceback (most recent call last): ValueError: row 3',
    );
    expect(block).not.toBeVisible();
    fireEvent.click(toggle);
    expect(block).toBeVisible();
    expect(
      screen.getByText(/Last 2 lines of \/aws-glue\/jobs\/error · jr_1/),
    ).toBeInTheDocument();
  });

  it('says when a failed run wrote no error log', async () => {
    await renderRuns([
      {
        ...failedRun,
        logTail: {
          logGroup: '/aws-glue/jobs/error',
          logStream: 'jr_1',
          status: 'none',
          lines: [],
          truncated: false,
        },
      },
    ]);
    expect(
      await screen.findByText('No error log (/aws-glue/jobs/error)'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Log tail')).not.toBeInTheDocument();
  });

  it('shows that a run failed, but not its error, to a caller who may not read the table', async () => {
    await renderRuns([{ ...failedRun, error: null, errorHidden: true }]);
    expect(
      await screen.findByText(
        "error hidden: you have no access to this table's data",
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('run-status-failed')).toBeInTheDocument();
    expect(screen.queryByText(/last_update/)).not.toBeInTheDocument();
    expect(screen.queryByText('Log tail')).not.toBeInTheDocument();
  });
});
