/*
 * `yarn datalake inspect`: inspects a MySQL source and checks that it is ready for DMS CDC.
 * Exit codes: 0 ready, 3 not ready (blockers found), 2 bad usage; errors (cannot connect,
 * bad credentials) end in 1 through the dispatcher.
 */
import { parseArgs } from 'node:util';
import { InputError } from '@backstage/errors';
import { SourceReport } from '@datalake-portal/backstage-plugin-datalake-common';
import { inspectAndCheckMysqlSource } from '../mysql';

const USAGE = `Usage: yarn datalake inspect --host H [--port 3306] --user U [--password-env VAR]
                             --database DB [--tables a,b] [--connect-timeout 5000] [--json]

Inspects the base tables of DB (columns with MySQL and Iceberg types, keys, engine, size) and
checks the server and user for DMS full load + CDC. The password is read from the environment
variable named by --password-env (never from the command line). Exit code 0 when ready, 3 when
there are blockers.
`;

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string', default: '3306' },
      user: { type: 'string' },
      'password-env': { type: 'string' },
      database: { type: 'string' },
      tables: { type: 'string' },
      'connect-timeout': { type: 'string', default: '5000' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    return undefined;
  }
  const missing = (['host', 'user', 'database'] as const).filter(
    k => !values[k],
  );
  if (missing.length > 0) {
    throw new InputError(`missing --${missing.join(', --')}`);
  }
  const port = Number(values.port);
  const connectTimeoutMs = Number(values['connect-timeout']);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InputError(`--port must be a TCP port, got ${values.port}`);
  }
  if (!Number.isInteger(connectTimeoutMs) || connectTimeoutMs < 1) {
    throw new InputError(
      '--connect-timeout must be a positive number of milliseconds',
    );
  }
  const passwordEnv = values['password-env'];
  if (passwordEnv && process.env[passwordEnv] === undefined) {
    throw new InputError(`the environment variable ${passwordEnv} is not set`);
  }
  return {
    connection: {
      host: values.host!,
      port,
      user: values.user!,
      password: passwordEnv ? process.env[passwordEnv] : undefined,
      database: values.database!,
      connectTimeoutMs,
    },
    tables: values.tables
      ?.split(',')
      .map(t => t.trim())
      .filter(Boolean),
    json: values.json,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  return rows
    .map(r =>
      r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The readable form of a report, for a terminal. */
export function formatReport(report: SourceReport): string {
  const out: string[] = [];
  out.push(
    `${report.database} on ${report.server.flavor} ${report.server.version} (${report.server.hosting})`,
    `${report.tables.length} base tables, ${report.excludedViews.length} views left out, ${report.queryCount} queries`,
    '',
  );
  for (const t of report.tables) {
    const key = t.mergeKey
      ? `merge key ${t.mergeKey.columns.join(', ')} (${t.mergeKey.origin})`
      : 'NO MERGE KEY';
    out.push(
      `${t.name}  [${t.engine ?? '?'}, ~${
        t.approximateRows ?? '?'
      } rows, ${key}]`,
    );
    out.push(
      table([
        ['  column', 'mysql', 'iceberg', 'dms', 'null'],
        ...t.columns.map(c => [
          `  ${c.name}${c.generated ? ` (${c.generated})` : ''}`,
          c.mysqlType,
          c.mapping.icebergType,
          c.mapping.dmsType,
          c.nullable ? 'yes' : 'no',
        ]),
      ]),
      '',
    );
  }
  out.push('Server checks');
  out.push(
    table([
      ['  setting', 'actual', 'expected', ''],
      ...report.checks.map(c => [
        `  ${c.name}`,
        c.actual ?? '(absent)',
        c.expected,
        c.ok ? 'ok' : 'FAIL',
      ]),
    ]),
    '',
  );
  out.push('Findings');
  for (const f of report.findings) {
    out.push(`  ${f.severity.toUpperCase().padEnd(7)} ${f.message}`);
    if (f.fix) {
      out.push(`          fix: ${f.fix}`);
    }
  }
  out.push(
    '',
    report.ready
      ? 'READY for DMS full load + CDC'
      : 'NOT READY: fix the blockers above',
  );
  return `${out.join('\n')}\n`;
}

export async function run(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(argv);
  } catch (error) {
    process.stderr.write(
      `datalake inspect: ${(error as Error).message}\n\n${USAGE}`,
    );
    return 2;
  }
  if (!options) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { report } = await inspectAndCheckMysqlSource(options.connection, {
    tables: options.tables,
  });
  process.stdout.write(
    options.json
      ? `${JSON.stringify(report, null, 2)}\n`
      : formatReport(report),
  );
  return report.ready ? 0 : 3;
}
