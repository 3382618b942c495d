import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  RunEntry,
  RunsResponse,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
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
    scheduler: { status: 'ok' },
  },
  schedule: null,
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
    <TestApiProvider
      apis={[
        [datalakeApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
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
      <TestApiProvider
        apis={[
          [datalakeApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
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

  it("says when the table's pipeline runs next, or that it is disabled or has no schedule", async () => {
    const api = mockDatalakeApi();
    const hourly = {
      name: 'datalake-sakila',
      expression: 'cron(0 * * * ? *)',
      timezone: 'UTC',
      state: 'ENABLED' as const,
      // A little past 42 minutes, so that the time the test takes does not round it down.
      nextRunAt: new Date(Date.now() + 42 * 60_000 + 20_000).toISOString(),
    };
    api.getRuns
      .mockResolvedValueOnce({ ...response, schedule: hourly })
      .mockResolvedValueOnce({
        ...response,
        schedule: { ...hourly, state: 'DISABLED', nextRunAt: null },
      })
      .mockResolvedValueOnce(response);
    const tree = (entityName: string) => (
      <TestApiProvider
        apis={[
          [datalakeApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider
          entity={{
            ...rentalEntity,
            metadata: { ...rentalEntity.metadata, name: entityName },
          }}
        >
          <EntityRunsContent />
        </EntityProvider>
      </TestApiProvider>
    );
    const { rerender } = await renderInTestApp(tree('a'));
    expect(
      await screen.findByText(
        'Next run: in 42 minutes (cron(0 * * * ? *), UTC)',
      ),
    ).toBeInTheDocument();
    rerender(tree('b'));
    expect(await screen.findByText('Schedule disabled')).toBeInTheDocument();
    rerender(tree('c'));
    expect(await screen.findByText('No schedule')).toBeInTheDocument();
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

  describe('Run now', () => {
    async function renderWith(
      result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
      entity = rentalEntity,
    ) {
      const api = mockDatalakeApi();
      api.getRuns.mockResolvedValue(response);
      const permission = mockApis.permission({ authorize: result });
      await renderInTestApp(
        <TestApiProvider
          apis={[
            [datalakeApiRef, api],
            [permissionApiRef, permission],
          ]}
        >
          <EntityProvider entity={entity}>
            <EntityRunsContent />
          </EntityProvider>
        </TestApiProvider>,
      );
      return api;
    }

    it("starts the table's pipeline for an owner, says which execution, and reloads the runs", async () => {
      const api = await renderWith(AuthorizeResult.ALLOW);
      api.startPipelineRun.mockResolvedValue({
        entityRef: 'resource:default/sakila_silver.rental',
        pipeline: 'datalake-sakila',
        executionArn:
          'arn:aws:states:us-east-1:000000000000:execution:datalake-sakila:run-now-1',
        executionName: 'run-now-1',
        startedAt: '2024-08-09T03:00:00.000Z',
      });
      const button = await screen.findByRole('button', { name: 'Run now' });
      await waitFor(() => expect(button).toBeEnabled());
      fireEvent.click(button);
      expect(
        await screen.findByText('Started execution run-now-1'),
      ).toBeInTheDocument();
      expect(api.startPipelineRun).toHaveBeenCalledWith(
        stringifyEntityRef(rentalEntity),
      );
      await waitFor(() => expect(api.getRuns).toHaveBeenCalledTimes(2));
    });

    it('shows why the pipeline did not start', async () => {
      const api = await renderWith(AuthorizeResult.ALLOW);
      api.startPipelineRun.mockRejectedValue(
        new Error('Pipeline datalake-sakila is already running'),
      );
      const button = await screen.findByRole('button', { name: 'Run now' });
      await waitFor(() => expect(button).toBeEnabled());
      fireEvent.click(button);
      expect(
        await screen.findByText('Pipeline datalake-sakila is already running'),
      ).toBeInTheDocument();
    });

    it('starts the pipeline viewed on a pipeline entity, and names the tables in its refusal', async () => {
      const pipeline = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'sakila-ingestion', namespace: 'default' },
        spec: {
          type: 'data-pipeline',
          owner: 'group:default/data-engineering',
        },
      };
      const api = await renderWith(AuthorizeResult.ALLOW, pipeline);
      expect(api.getRuns).toHaveBeenCalledWith(
        'component:default/sakila-ingestion',
      );
      api.startPipelineRun.mockRejectedValue(
        new Error(
          'You may not run pipeline datalake-sakila: it writes resource:default/sakila_gold.payments',
        ),
      );
      const button = await screen.findByRole('button', { name: 'Run now' });
      await waitFor(() => expect(button).toBeEnabled());
      expect(button).toHaveAttribute('title', 'Start this pipeline now');
      fireEvent.click(button);
      expect(
        await screen.findByText(
          /it writes resource:default\/sakila_gold.payments/,
        ),
      ).toBeInTheDocument();
      expect(api.startPipelineRun).toHaveBeenCalledWith(
        'component:default/sakila-ingestion',
      );
    });

    it('is not for those who do not own the table', async () => {
      // Another table: the permission hook caches its decisions per resource across renders.
      const api = await renderWith(AuthorizeResult.DENY, {
        ...rentalEntity,
        metadata: { ...rentalEntity.metadata, name: 'sakila-silver-payment' },
      });
      const button = await screen.findByRole('button', { name: 'Run now' });
      await waitFor(() => expect(button).toBeDisabled());
      expect(button).toHaveAttribute(
        'title',
        "Only the table's owners can run its pipeline",
      );
      expect(api.startPipelineRun).not.toHaveBeenCalled();
    });
  });

  describe('Reload from source', () => {
    async function renderWith(
      result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
      entity = rentalEntity,
    ) {
      const api = mockDatalakeApi();
      api.getRuns.mockResolvedValue(response);
      await renderInTestApp(
        <TestApiProvider
          apis={[
            [datalakeApiRef, api],
            [permissionApiRef, mockApis.permission({ authorize: result })],
          ]}
        >
          <EntityProvider entity={entity}>
            <EntityRunsContent />
          </EntityProvider>
        </TestApiProvider>,
      );
      return api;
    }

    it('asks once more, then reloads the table for an owner and says what happens next', async () => {
      const api = await renderWith(AuthorizeResult.ALLOW);
      api.reloadTable.mockResolvedValue({
        entityRef: stringifyEntityRef(rentalEntity),
        sourceTable: 'sakila.rental',
        replicationTaskArn: 'arn:aws:dms:us-east-1:000000000000:task:ABC',
        pipeline: 'datalake-sakila',
        requestedAt: '2024-08-09T03:00:00.000Z',
      });
      const button = await screen.findByRole('button', {
        name: 'Reload from source',
      });
      await waitFor(() => expect(button).toBeEnabled());
      fireEvent.click(button);
      expect(api.reloadTable).not.toHaveBeenCalled();
      fireEvent.click(screen.getByRole('button', { name: 'Reload now' }));
      expect(
        await screen.findByText(
          'DMS is loading sakila.rental again; the pipeline runs when the load is complete',
        ),
      ).toBeInTheDocument();
      expect(api.reloadTable).toHaveBeenCalledWith(
        stringifyEntityRef(rentalEntity),
      );
    });

    it('shows why the table was not reloaded', async () => {
      const api = await renderWith(AuthorizeResult.ALLOW);
      api.reloadTable.mockRejectedValue(
        new Error('DMS task dl-sakila-main is stopped'),
      );
      const button = await screen.findByRole('button', {
        name: 'Reload from source',
      });
      await waitFor(() => expect(button).toBeEnabled());
      fireEvent.click(button);
      fireEvent.click(screen.getByRole('button', { name: 'Reload now' }));
      expect(
        await screen.findByText('DMS task dl-sakila-main is stopped'),
      ).toBeInTheDocument();
    });

    it('is not for those who do not own the table', async () => {
      await renderWith(AuthorizeResult.DENY, {
        ...rentalEntity,
        metadata: { ...rentalEntity.metadata, name: 'sakila-silver-staff' },
      });
      const button = await screen.findByRole('button', {
        name: 'Reload from source',
      });
      await waitFor(() => expect(button).toBeDisabled());
      expect(button).toHaveAttribute(
        'title',
        "Only the table's owners can reload it",
      );
    });

    it('is not offered on a gold table, which has several sources', async () => {
      await renderWith(AuthorizeResult.ALLOW, {
        ...rentalEntity,
        metadata: {
          ...rentalEntity.metadata,
          name: 'sakila-gold-revenue',
          annotations: {
            ...rentalEntity.metadata.annotations,
            'datalake-portal.io/layer': 'gold',
          },
        },
      });
      expect(
        await screen.findByRole('button', { name: 'Run now' }),
      ).toBeInTheDocument();
      expect(
        screen.queryByRole('button', { name: 'Reload from source' }),
      ).not.toBeInTheDocument();
    });
  });
});
