import {
  mapMysqlColumnType,
  SourceInspectionReport,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  MysqlDdlTable,
  mergeKeyOf,
} from '@datalake-portal/backstage-plugin-datalake-node';

/**
 * Builds the part of an inspection report the pipeline actions read (columns, types, keys) from
 * parsed `CREATE TABLE` statements, for callers that have a DDL script instead of a live source:
 * the demo seed and tests.
 *
 * @public
 */
export function inspectionReportFromDdl(
  database: string,
  tables: MysqlDdlTable[],
): SourceInspectionReport {
  return {
    database,
    server: { version: 'ddl', flavor: 'mysql', hosting: 'self-managed' },
    inspectedAt: new Date(0).toISOString(),
    tables: tables.map(t => {
      let mergeKey: SourceInspectionReport['tables'][number]['mergeKey'] = null;
      try {
        const columns = mergeKeyOf(t);
        mergeKey = {
          name: t.primaryKey.length > 0 ? 'PRIMARY' : 'unique',
          columns,
          origin: t.primaryKey.length > 0 ? 'primary-key' : 'unique-key',
        };
      } catch {
        mergeKey = null;
      }
      return {
        name: t.name,
        engine: null,
        approximateRows: null,
        sizeBytes: null,
        columns: t.columns.map((c, i) => ({
          name: c.name,
          position: i + 1,
          mysqlType: c.columnType,
          nullable: c.nullable,
          defaultValue: null,
          generated: null,
          mapping: mapMysqlColumnType(c.columnType),
        })),
        primaryKey:
          t.primaryKey.length > 0
            ? { name: 'PRIMARY', columns: t.primaryKey }
            : null,
        uniqueKeys: t.uniqueKeys.map((columns, i) => ({
          name: `unique_${i + 1}`,
          columns,
        })),
        mergeKey,
      };
    }),
    excludedViews: [],
    missingTables: [],
    findings: [],
    queryCount: 0,
  };
}
