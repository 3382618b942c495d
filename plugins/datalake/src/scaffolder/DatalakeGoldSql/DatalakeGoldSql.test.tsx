import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import { fieldProps } from '../__testUtils__/sourceReports';
import { DatalakeGoldSql, datalakeGoldSqlValidation } from './DatalakeGoldSql';

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
const form = { sourceId: 'sakila-selfservice', silverTables: ['film'] };

describe('DatalakeGoldSql', () => {
  it('previews the columns of the SQL with types from the silver schema', async () => {
    const props = fieldProps(
      'SELECT f.rating, COUNT(*) AS films, SUM(f.rental_rate) AS revenue FROM glue_catalog.sakila_selfservice_silver.film f GROUP BY f.rating',
      form,
      'SQL',
    );
    await renderInTestApp(
      <TestApiProvider apis={[[catalogApiRef, catalogApi]]}>
        <DatalakeGoldSql {...props} />
      </TestApiProvider>,
    );
    const preview = await screen.findByRole('table', {
      name: 'gold columns preview',
    });
    expect(preview).toHaveTextContent('ratingstring');
    expect(preview).toHaveTextContent('filmsbigint');
    expect(preview).toHaveTextContent('revenuedecimal(38,2)');
  });

  it('refuses what the server refuses, with the same messages', async () => {
    const validation = { addError: jest.fn() };
    await datalakeGoldSqlValidation(
      'SELECT upper(f.rating) FROM sakila_selfservice_silver.film f',
      validation as any,
      {
        apiHolder: { get: () => catalogApi } as any,
        formData: form,
        schema: {},
      },
    );
    expect(validation.addError).toHaveBeenCalledWith(
      "Give the expression 'upper(f.rating)' a column name with AS.",
    );
  });
});
