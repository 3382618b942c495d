import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Entity } from '@backstage/catalog-model';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { LayerBrowserPage } from './LayerBrowserPage';

function table(name: string, layer: string, databaseName: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      title: `${databaseName}.${name}`,
      annotations: {
        'datalake-portal.io/layer': layer,
        'datalake-portal.io/glue-database': databaseName,
      },
    },
    spec: { type: 'iceberg-table', owner: 'group:default/data-eng' },
  };
}

function database(name: string, layer: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: name.replace(/_/g, '-'),
      title: name,
      annotations: {
        'datalake-portal.io/layer': layer,
        'datalake-portal.io/glue-database': name,
      },
    },
    spec: { type: 'glue-database', owner: 'group:default/data-eng' },
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

  it('filters a layer by Glue database', async () => {
    const catalogApi = catalogApiMock({
      entities: [
        table('rental', 'silver', 'sakila_silver'),
        table('film', 'silver', 'sakila_silver'),
        table('orders', 'silver', 'shop_silver'),
        table('customer', 'bronze', 'sakila_bronze'),
        database('sakila_silver', 'silver'),
        database('shop_silver', 'silver'),
        database('hr_silver', 'silver'),
        database('sakila_bronze', 'bronze'),
      ],
    });
    await renderInTestApp(
      <TestApiProvider apis={[[catalogApiRef, catalogApi]]}>
        <LayerBrowserPage />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );

    // Database entities are not counted as tables.
    expect(await screen.findByText('bronze (1)')).toBeInTheDocument();
    await userEvent.click(screen.getByText('silver (3)'));
    const select = within(screen.getByTestId('database-filter')).getByRole(
      'combobox',
    );
    expect(
      within(select)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual(['All databases', 'hr_silver', 'sakila_silver', 'shop_silver']);
    expect(screen.getByText('shop_silver.orders')).toBeInTheDocument();

    await userEvent.selectOptions(select, 'sakila_silver');
    expect(
      await screen.findByText('silver tables in sakila_silver'),
    ).toBeInTheDocument();
    expect(screen.getByText('sakila_silver.rental')).toBeInTheDocument();
    expect(screen.getByText('sakila_silver.film')).toBeInTheDocument();
    expect(screen.queryByText('shop_silver.orders')).toBeNull();

    // Switching layer shows all of its databases again.
    await userEvent.click(screen.getByText('bronze (1)'));
    expect(
      await screen.findByText('sakila_bronze.customer'),
    ).toBeInTheDocument();
    expect(screen.getByText('bronze tables')).toBeInTheDocument();
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
