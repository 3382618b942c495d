import { parseArgs } from 'node:util';
import { DEFAULT_SAKILA_DIR } from './sakilaFixture';
import { seedDemoLake } from './seedDemoLake';

const USAGE =
  'Usage: demo-seed --endpoint URL [--if-empty] [--reset] [--fixtures DIR] [--mysql-host 127.0.0.1] [--mysql-port 3306] [--mysql-user root] [--mysql-password ""]';

/** Runs the seed from command-line arguments; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      endpoint: { type: 'string' },
      'if-empty': { type: 'boolean', default: false },
      reset: { type: 'boolean', default: false },
      fixtures: { type: 'string', default: DEFAULT_SAKILA_DIR },
      'mysql-host': { type: 'string', default: '127.0.0.1' },
      'mysql-port': { type: 'string', default: '3306' },
      'mysql-user': { type: 'string', default: 'root' },
      'mysql-password': { type: 'string', default: '' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.endpoint) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const started = Date.now();
  const result = await seedDemoLake({
    endpoint: values.endpoint.replace(/\/+$/, ''),
    ifEmpty: values['if-empty'],
    reset: values.reset,
    fixtureDir: values.fixtures!,
    mysql: {
      host: values['mysql-host']!,
      port: Number(values['mysql-port']),
      user: values['mysql-user']!,
      password: values['mysql-password']!,
    },
    logger: {
      info: message => process.stdout.write(`${message}\n`),
      warn: message => process.stderr.write(`warning: ${message}\n`),
    },
  });
  process.stdout.write(
    `demo-seed: ${result.status}${
      result.status === 'seeded'
        ? ` (${result.tables} tables, ${result.jobs} jobs)`
        : ''
    } in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return 0;
}
