import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import { fieldProps } from '../__testUtils__/sourceReports';
import { DatalakeSilverTablePicker } from './DatalakeSilverTablePicker';

const silverFilm = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'sakila_selfservice_silver.film' },
  spec: {
    type: 'iceberg-table',
    owner: 'group:default/data-engineering',
    columns: [
      { name: 'film_id', type: 'int' },
      { name: 'rating', type: 'string' },
      { name: 'rental_rate', type: 'decimal(4,2)' },
    ],
  },
};
const otherSource = {
  ...silverFilm,
  metadata: { name: 'sakila_silver.film' },
};
const catalogApi = catalogApiMock({ entities: [silverFilm, otherSource] });

describe('DatalakeSilverTablePicker', () => {
  it("offers only the chosen source's silver tables", async () => {
    const props = fieldProps<string[]>([], { sourceId: 'sakila-selfservice' });
    await renderInTestApp(
      <TestApiProvider apis={[[catalogApiRef, catalogApi]]}>
        <DatalakeSilverTablePicker {...props} />
      </TestApiProvider>,
    );
    const film = await screen.findByRole('checkbox', {
      name: 'film (3 columns)',
    });
    expect(screen.getAllByRole('checkbox')).toHaveLength(1);
    film.click();
    expect(props.onChange).toHaveBeenCalledWith(['film']);
  });
});
