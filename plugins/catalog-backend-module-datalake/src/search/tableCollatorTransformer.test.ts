import { Entity } from '@backstage/catalog-model';
import { tableCollatorTransformer } from './tableCollatorTransformer';

describe('tableCollatorTransformer', () => {
  it('adds column names and comments to a table document', () => {
    const table: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: 'sakila_silver.rental', description: 'Rentals' },
      spec: {
        type: 'iceberg-table',
        owner: 'group:default/data-engineering',
        columns: [
          { name: 'rental_id', type: 'int', nullable: false, partition: false },
          {
            name: 'rental_date',
            type: 'timestamp',
            nullable: true,
            comment: 'when the DVD left',
            partition: false,
          },
        ],
      },
    };
    expect(tableCollatorTransformer(table).text).toBe(
      'Rentals\nColumns: rental_id, rental_date (when the DVD left)',
    );
  });

  it('leaves other entities as the default transformer makes them', () => {
    const component: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'svc', description: 'A service' },
      spec: {
        type: 'service',
        owner: 'me',
        lifecycle: 'production',
        columns: [{ name: 'x' }],
      },
    };
    expect(tableCollatorTransformer(component).text).toBe('A service');
  });
});
