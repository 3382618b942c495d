import { screen } from '@testing-library/react';
import { ResponseError } from '@backstage/errors';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import { datalakeApiRef, DatalakeApi } from '../../api';
import {
  legacyCsvEntity,
  mockDatalakeApi,
  rentalEntity,
} from '../../testing/tables';
import { TableOverviewCard } from './TableOverviewCard';

function render(entity: Entity, api: DatalakeApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[datalakeApiRef, api]]}>
      <EntityProvider entity={entity}>
        <TableOverviewCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('TableOverviewCard', () => {
  it('shows an Iceberg table with freshness, records, size and partition spec', async () => {
    const api = mockDatalakeApi();
    await render(rentalEntity, api);

    expect(
      await screen.findByText('3 hours ago (overwrite, +1,210, −1,150)'),
    ).toBeInTheDocument();
    expect(screen.getByText('silver')).toBeInTheDocument();
    expect(screen.getByText('sakila_silver')).toBeInTheDocument();
    expect(screen.getByText('Iceberg v2')).toBeInTheDocument();
    expect(
      screen.getByText(
        's3://datalake-silver-000000000000/sakila_silver/rental',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('data-eng')).toBeInTheDocument();
    expect(
      await screen.findByText('day(rental_date), staff_id'),
    ).toBeInTheDocument();
    expect(screen.getByText('16,104')).toBeInTheDocument();
    expect(screen.getByText('362.3 KiB')).toBeInTheDocument();
    expect(api.getFreshness).toHaveBeenCalledWith(
      'resource:default/sakila-silver-rental',
    );
    expect(api.getTableMetadata).toHaveBeenCalledWith(
      'resource:default/sakila-silver-rental',
    );
  });

  it('shows a Glue table from the entity alone, without calling the backend', async () => {
    const api = mockDatalakeApi();
    await render(legacyCsvEntity, api);

    expect(await screen.findByText('Glue table')).toBeInTheDocument();
    expect(screen.getByText('dt')).toBeInTheDocument();
    expect(screen.getByText('finance')).toBeInTheDocument();
    expect(screen.getAllByText('Only for Iceberg tables')).toHaveLength(3);
    expect(api.getFreshness).not.toHaveBeenCalled();
    expect(api.getTableMetadata).not.toHaveBeenCalled();
  });

  it('reports a backend failure instead of a freshness', async () => {
    const api = mockDatalakeApi();
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'NotFoundError',
          message: 'NoSuchKey: The specified key does not exist.',
        },
        response: { statusCode: 404 },
      }),
      { status: 404, headers: { 'content-type': 'application/json' } },
    );
    api.getFreshness.mockRejectedValue(
      await ResponseError.fromResponse(response),
    );
    await render(rentalEntity, api);

    expect(
      await screen.findByText(/Could not read the table's Iceberg metadata/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('NoSuchKey: The specified key does not exist.'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('Unavailable')).toHaveLength(3);
    // The partition spec comes from the other route, which still answered.
    expect(screen.getByText('day(rental_date), staff_id')).toBeInTheDocument();
  });
});
