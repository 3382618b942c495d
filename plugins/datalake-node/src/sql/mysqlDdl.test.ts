import fs from 'node:fs';
import path from 'node:path';
import { mergeKeyOf, parseMysqlDdl } from './mysqlDdl';

const SAKILA = path.resolve(
  __dirname,
  '../../../../../shared/fixtures/mysql/sakila/sakila-schema.sql',
);

describe('parseMysqlDdl', () => {
  it('reads the 16 Sakila tables with their keys, skipping views, triggers and routines', () => {
    const tables = parseMysqlDdl(fs.readFileSync(SAKILA, 'utf8'));
    expect(tables.map(t => t.name)).toEqual([
      'actor',
      'address',
      'category',
      'city',
      'country',
      'customer',
      'film',
      'film_actor',
      'film_category',
      'film_text',
      'inventory',
      'language',
      'payment',
      'rental',
      'staff',
      'store',
    ]);
    const byName = Object.fromEntries(tables.map(t => [t.name, t]));
    expect(byName.film_actor.primaryKey).toEqual(['actor_id', 'film_id']);
    // GEOMETRY sits in an executable comment that MySQL 5.7+ runs.
    expect(byName.address.columns.find(c => c.name === 'location')).toEqual({
      name: 'location',
      columnType: 'geometry',
      nullable: false,
    });
    const film = byName.film.columns;
    expect(film.find(c => c.name === 'rating')?.columnType).toBe(
      "enum('G','PG','PG-13','R','NC-17')",
    );
    expect(film.find(c => c.name === 'film_id')).toEqual({
      name: 'film_id',
      columnType: 'smallint unsigned',
      nullable: false,
    });
    expect(film.find(c => c.name === 'rental_rate')?.columnType).toBe(
      'decimal(4,2)',
    );
    expect(film.find(c => c.name === 'original_language_id')?.nullable).toBe(
      true,
    );
  });

  it('reads quoted names, inline keys, unique keys and qualified tables', () => {
    const [table] = parseMysqlDdl(`
      -- a comment; with a semicolon
      CREATE TABLE IF NOT EXISTS \`shop\`.\`Order Items\` (
        \`order-id\` BIGINT(20) UNSIGNED NOT NULL, # id
        \`select\` VARCHAR(10) DEFAULT 'a;b',
        "quoted ""name""" INT,
        \`uk\` INT NOT NULL UNIQUE
      ) ENGINE=InnoDB;`);
    expect(table).toEqual({
      schema: 'shop',
      name: 'Order Items',
      columns: [
        {
          name: 'order-id',
          columnType: 'bigint(20) unsigned',
          nullable: false,
        },
        { name: 'select', columnType: 'varchar(10)', nullable: true },
        { name: 'quoted "name"', columnType: 'int', nullable: true },
        { name: 'uk', columnType: 'int', nullable: false },
      ],
      primaryKey: [],
      uniqueKeys: [['uk']],
    });
    expect(mergeKeyOf(table)).toEqual(['uk']);
  });

  it('refuses a table without a usable key', () => {
    const [table] = parseMysqlDdl(
      'CREATE TABLE t (a INT, b INT, UNIQUE KEY (a));',
    );
    expect(() => mergeKeyOf(table)).toThrow(/no primary key/);
  });
});
