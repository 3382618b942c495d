import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Entity } from '@backstage/catalog-model';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { LayerBrowserPage } from './LayerBrowserPage';

function table(name: string, layer: string, database: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      title: `${database}.${name}`,
      annotations: {
        'datalake-portal.io/layer': layer,
        'datalake-portal.io/glue-database': database,
      },
    },
    spec: { type: 'iceberg-table', owner: 'group:default/data-eng' },
  };
}

describe('LayerBrowserPage', () => {
  it('groups the tables by layer', async () => {
    const catalogApi = catalogApiMock({
      entities: [
        table('rental', 'bronze', 'sakila_bronze'),
        table('customer', 'bronze', 'sakila_bronze'),
        table('rental-clean', 'silver', 'sakila_silver'),
        table('revenue-by-store', 'gold', 'sakila_gold'),
      ],
    });
    await renderInTestApp(
      <TestApiProvider apis={[[catalogApiRef, catalogApi]]}>
        <LayerBrowserPage />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );

    expect(await screen.findByText('bronze (2)')).toBeInTheDocument();
    expect(screen.getByText('silver (1)')).toBeInTheDocument();
    expect(screen.getByText('sakila_bronze.rental')).toBeInTheDocument();
    expect(screen.queryByText('sakila_gold.revenue-by-store')).toBeNull();

    await userEvent.click(screen.getByText('gold (1)'));
    expect(
      await screen.findByText('sakila_gold.revenue-by-store'),
    ).toBeInTheDocument();
    expect(screen.queryByText('sakila_bronze.rental')).toBeNull();
  });

  it('explains how tables arrive when there are none', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[catalogApiRef, catalogApiMock()]]}>
        <LayerBrowserPage />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(
      await screen.findByText('No lake tables in the catalog yet'),
    ).toBeInTheDocument();
  });
});
