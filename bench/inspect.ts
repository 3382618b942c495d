/*
 * Benchmark of the source inspection: generates databases of 100 and 2,000 tables × 30 columns
 * in the MariaDB on 127.0.0.1:3306 (root, no password), inspects and preflights them, and writes
 * wall times and statement counts to bench/results/inspect.json. The databases are dropped
 * afterwards. Run from the repository root:
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs bench/inspect.ts   (or: yarn bench inspect)
 */
import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import {
  checkCdcReadiness,
  inspectMysqlSource,
} from '../plugins/datalake-node/src/mysql';

const COLUMNS_PER_TABLE = 30;
const SIZES = [100, 2000];

function createTableSql(database: string, index: number): string {
  const columns = [
    'id BIGINT UNSIGNED NOT NULL PRIMARY KEY',
    ...Array.from({ length: COLUMNS_PER_TABLE - 1 }, (_, c) => {
      const types = [
        'INT',
        'VARCHAR(64)',
        'DECIMAL(12,2)',
        'DATETIME',
        'TEXT',
        "ENUM('a','b')",
      ];
      return `c${c} ${types[c % types.length]} NULL`;
    }),
  ];
  return `CREATE TABLE \`${database}\`.t${String(index).padStart(
    4,
    '0',
  )} (${columns.join(', ')}) ENGINE=InnoDB`;
}

async function main() {
  const root = await mysql.createConnection({
    host: '127.0.0.1',
    port: 3306,
    user: 'root',
    multipleStatements: true,
  });
  const results: Record<string, unknown>[] = [];
  try {
    for (const size of SIZES) {
      const database = `bench_inspect_${size}_${process.pid}`;
      const setupStart = Date.now();
      await root.query(`CREATE DATABASE \`${database}\``);
      for (let i = 0; i < size; i += 100) {
        const batch = Array.from({ length: Math.min(100, size - i) }, (_, k) =>
          createTableSql(database, i + k),
        );
        await root.query(batch.join(';\n'));
      }
      const setupMs = Date.now() - setupStart;
      try {
        const connection = {
          host: '127.0.0.1',
          port: 3306,
          user: 'root',
          password: '',
          database,
        };
        // Warm-up run: the first information_schema read after CREATE TABLE opens every table.
        const coldStart = process.hrtime.bigint();
        await inspectMysqlSource(connection);
        const coldMs = Number(process.hrtime.bigint() - coldStart) / 1e6;
        let statements = 0;
        const started = process.hrtime.bigint();
        const report = await inspectMysqlSource(connection, {
          onQuery: () => statements++,
        });
        const inspectMs = Number(process.hrtime.bigint() - started) / 1e6;

        let preflightStatements = 0;
        const preStart = process.hrtime.bigint();
        const preflight = await checkCdcReadiness(connection, {
          onQuery: () => preflightStatements++,
        });
        const preflightMs = Number(process.hrtime.bigint() - preStart) / 1e6;

        const row = {
          tables: report.tables.length,
          columns: report.tables.reduce((n, t) => n + t.columns.length, 0),
          setupMs,
          coldInspectWallMs: Math.round(coldMs),
          inspectWallMs: Math.round(inspectMs),
          inspectQueries: statements,
          preflightWallMs: Math.round(preflightMs),
          preflightQueries: preflightStatements,
          preflightFindings: preflight.findings.length,
        };
        results.push(row);
        process.stdout.write(`${JSON.stringify(row)}\n`);
      } finally {
        await root.query(`DROP DATABASE IF EXISTS \`${database}\``);
      }
    }
  } finally {
    await root.end();
  }
  const out = {
    benchmark: 'source inspection (information_schema, one statement per view)',
    server: 'MariaDB 10.11 on 127.0.0.1:3306',
    columnsPerTable: COLUMNS_PER_TABLE,
    targets: { queryCountIndependentOfTables: true, inspectWallMsBelow: 3000 },
    results,
    queryCountIndependentOfTables:
      new Set(results.map(r => r.inspectQueries)).size === 1,
    measuredAt: new Date().toISOString(),
  };
  fs.writeFileSync(
    path.join(__dirname, 'results', 'inspect.json'),
    `${JSON.stringify(out, null, 2)}\n`,
  );
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
