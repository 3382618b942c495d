import { KubernetesValidatorFunctions } from '@backstage/catalog-model';
import { entityNameFor } from './entityNames';

const valid = (name: string) =>
  KubernetesValidatorFunctions.isValidObjectName(name);

describe('entityNameFor', () => {
  it('keeps ordinary Glue names readable', () => {
    expect(entityNameFor('sakila_bronze', 'rental')).toBe(
      'sakila_bronze.rental',
    );
  });

  it('makes any Glue name valid and keeps distinct names distinct', () => {
    const inputs: Array<[string, string]> = [
      ['db', 'my table'],
      ['db', 'my-table'],
      ['db', 'my__table'],
      ['db', '_leading'],
      ['db', 'tâble'],
      [
        'a_very_long_database_name_for_the_finance_department',
        'and_an_even_longer_table_name_too',
      ],
      [
        'a_very_long_database_name_for_the_finance_department',
        'and_an_even_longer_table_name_two',
      ],
    ];
    const names = inputs.map(([db, table]) => entityNameFor(db, table));
    for (const name of names) {
      expect(valid(name)).toBe(true);
    }
    expect(new Set(names).size).toBe(inputs.length);
    expect(entityNameFor('db', 'my table')).toBe(
      entityNameFor('db', 'my table'),
    );
  });
});
