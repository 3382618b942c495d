import {
  SourceFinding,
  SourceKey,
  SourceMergeKey,
  SourceTable,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { mapMysqlColumnType } from '@datalake-portal/backstage-plugin-datalake-common';
import { CatalogTable } from './readSourceCatalog';

/**
 * The merge key: the primary key, else the first unique key whose columns are all NOT NULL (a
 * unique key over a nullable column lets several rows share NULL, so it identifies nothing).
 */
export function chooseMergeKey(
  table: Pick<CatalogTable, 'primaryKey' | 'uniqueKeys' | 'columns'>,
): SourceMergeKey | null {
  if (table.primaryKey) {
    return { ...table.primaryKey, origin: 'primary-key' };
  }
  const notNull = new Set(
    table.columns.filter(c => !c.nullable).map(c => c.name),
  );
  const candidate = table.uniqueKeys.find((k: SourceKey) =>
    k.columns.every(c => notNull.has(c)),
  );
  return candidate ? { ...candidate, origin: 'unique-key' } : null;
}

/** Adds the Iceberg/Spark/DMS mapping to every column and the merge key to the table. */
export function toSourceTable(table: CatalogTable): SourceTable {
  return {
    ...table,
    columns: table.columns.map(c => ({
      ...c,
      mapping: mapMysqlColumnType(c.mysqlType),
    })),
    mergeKey: chooseMergeKey(table),
  };
}

function quoteIdent(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/**
 * Findings about one table that matter for DMS and the lake: missing keys, generated columns,
 * engines without transactions, and column types that cannot be carried faithfully. Informational
 * type notes stay on the column mapping to keep the list readable.
 */
export function findingsForTable(
  database: string,
  table: SourceTable,
): SourceFinding[] {
  const findings: SourceFinding[] = [];
  const qualified = `${quoteIdent(database)}.${quoteIdent(table.name)}`;

  if (!table.mergeKey) {
    findings.push({
      code: 'table-without-key',
      severity: 'blocker',
      table: table.name,
      message: `Table ${table.name} has no primary key and no unique key over NOT NULL columns: CDC changes cannot be merged into the lake row by row, and DMS cannot migrate its LOB columns.`,
      fix: `ALTER TABLE ${qualified} ADD PRIMARY KEY (<columns that identify a row>);`,
    });
  } else if (table.mergeKey.origin === 'unique-key') {
    findings.push({
      code: 'merge-key-from-unique-key',
      severity: 'info',
      table: table.name,
      message: `Table ${table.name} has no primary key; unique key ${
        table.mergeKey.name
      } (${table.mergeKey.columns.join(
        ', ',
      )}) is used as merge key, and the DMS task declares it with a define-primary-key rule.`,
    });
  }

  if (table.engine && table.engine.toLowerCase() !== 'innodb') {
    findings.push({
      code: 'non-innodb-table',
      severity: 'warning',
      table: table.name,
      message: `Table ${table.name} uses the ${table.engine} engine: without transactions the full load is not a consistent snapshot and changes during the load can be missed or doubled.`,
      fix: `ALTER TABLE ${qualified} ENGINE=InnoDB;`,
    });
  }

  for (const column of table.columns) {
    if (column.generated) {
      findings.push({
        code: 'generated-column',
        severity: 'warning',
        table: table.name,
        column: column.name,
        message: `Column ${table.name}.${column.name} is a ${column.generated} generated column: DMS does not carry generated values reliably during CDC (virtual columns are not in the binlog).`,
        fix: `Recompute ${column.name} in the silver layer, or drop it from the task with a remove-column transformation rule.`,
      });
    }
    for (const note of column.mapping.notes) {
      if (note.severity === 'info') {
        continue;
      }
      findings.push({
        code: 'column-type',
        severity: note.severity,
        table: table.name,
        column: column.name,
        message: `Column ${table.name}.${column.name} (${column.mysqlType}): ${note.message}`,
      });
    }
  }
  return findings;
}
