import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { RunsResponse } from '@datalake-portal/backstage-plugin-datalake-common';
import { screen } from '@testing-library/react';
import { datalakeApiRef } from '../../api';
import { mockDatalakeApi, rentalEntity } from '../../testing/tables';
import { TableStatusCard } from './TableStatusCard';

const ok = { status: 'ok' as const };
const runs: RunsResponse = {
  entityRef: 'resource:default/sakila-silver-rental',
  sources: { dms: ok, glue: ok, stepFunctions: ok, logs: ok, scheduler: ok },
  schedule: null,
  dms: [],
  runs: [],
  checkedAt: new Date().toISOString(),
};

async function renderCard(response: RunsResponse) {
  const api = mockDatalakeApi();
  api.getRuns.mockResolvedValue(response);
  await renderInTestApp(
    <TestApiProvider apis={[[datalakeApiRef, api]]}>
      <EntityProvider entity={rentalEntity}>
        <TableStatusCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  return api;
}

describe('TableStatusCard', () => {
  it("shows when the table's pipeline runs next", async () => {
    const api = await renderCard({
      ...runs,
      schedule: {
        name: 'datalake-sakila',
        expression: 'cron(0 2 * * ? *)',
        timezone: 'Europe/Berlin',
        state: 'ENABLED',
        nextRunAt: new Date(Date.now() + 3 * 3_600_000 + 60_000).toISOString(),
      },
    });
    expect(
      await screen.findByText(
        'Next run: in 3 hours (cron(0 2 * * ? *), Europe/Berlin)',
      ),
    ).toBeInTheDocument();
    expect(api.getRuns).toHaveBeenCalledWith(
      'resource:default/sakila-silver-rental',
      { limit: 1 },
    );
  });

  it('says when the schedule is disabled', async () => {
    await renderCard({
      ...runs,
      schedule: {
        name: 'datalake-sakila',
        expression: 'rate(1 hour)',
        timezone: 'UTC',
        state: 'DISABLED',
        nextRunAt: null,
      },
    });
    expect(await screen.findByText('Schedule disabled')).toBeInTheDocument();
  });

  it('says when the pipeline has no schedule', async () => {
    await renderCard(runs);
    expect(await screen.findByText('No schedule')).toBeInTheDocument();
  });
});
