import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import { legacyCsvEntity, rentalEntity } from '../../testing/tables';
import { TableSchemaContent } from './TableSchemaContent';

function render(entity: Entity) {
  // No datalake API is provided: the schema tab must work from the entity alone.
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <TableSchemaContent />
    </EntityProvider>,
  );
}

function row(column: string) {
  return within(screen.getByText(column).closest('tr')!);
}

describe('TableSchemaContent', () => {
  it('lists columns with type, nullability and comment', async () => {
    await render(rentalEntity);
    expect(
      await screen.findByText('sakila_silver.rental schema'),
    ).toBeInTheDocument();
    expect(screen.getByText('3 columns')).toBeInTheDocument();
    expect(row('rental_id').getByText('int')).toBeInTheDocument();
    expect(row('rental_id').getByText('no')).toBeInTheDocument();
    expect(row('return_date').getByText('yes')).toBeInTheDocument();
    expect(
      row('rental_date').getByText('When the film was rented'),
    ).toBeInTheDocument();
  });

  it('marks the partition columns', async () => {
    await render(legacyCsvEntity);
    expect(
      await screen.findByText('3 columns, partitioned by dt'),
    ).toBeInTheDocument();
    // nullable and partition column both read "yes" on dt
    expect(row('dt').getAllByText('yes')).toHaveLength(2);
    expect(row('amount').getByText('decimal(5,2)')).toBeInTheDocument();
    expect(row('amount').getAllByText('yes')).toHaveLength(1);
  });

  it('explains an entity without columns', async () => {
    await render({
      ...rentalEntity,
      spec: { ...rentalEntity.spec, columns: undefined },
    });
    expect(
      await screen.findByText('No columns on this entity'),
    ).toBeInTheDocument();
  });
});
