import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { FaultConfig } from './core/faults';
import { startEmulator } from './start';

const USAGE = `Usage: aws-local [--port 4566] [--state-dir DIR] [--reset] [--clock-speed N] [--faults FILE] [--account-id ID]
                 [--glue-execution spark|simulated] [--spark-workers N] [--spark-home DIR]

  --glue-execution  spark (default): Glue job runs execute their scripts on the local Spark +
                    Iceberg runtime (.tools/spark, or --spark-home / AWS_LOCAL_SPARK_HOME);
                    simulated: runs only move through their states on the emulator clock.
  --spark-workers   warm Spark drivers, so runs executed at once (default 1)`;

/** Runs the emulator from command-line arguments until SIGINT/SIGTERM. */
export async function main(argv: string[] = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4566' },
      host: { type: 'string', default: '127.0.0.1' },
      'state-dir': { type: 'string' },
      reset: { type: 'boolean', default: false },
      'clock-speed': { type: 'string', default: '1' },
      faults: { type: 'string' },
      'account-id': { type: 'string' },
      'glue-execution': { type: 'string', default: 'spark' },
      'spark-workers': { type: 'string', default: '1' },
      'spark-home': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  const clockSpeed = Number(values['clock-speed']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number, got '${values.port}'`);
  }
  if (!(clockSpeed > 0)) {
    throw new Error(
      `--clock-speed must be > 0, got '${values['clock-speed']}'`,
    );
  }
  const glueExecution = values['glue-execution'];
  if (glueExecution !== 'spark' && glueExecution !== 'simulated') {
    throw new Error(
      `--glue-execution must be spark or simulated, got '${glueExecution}'`,
    );
  }
  const sparkWorkers = Number(values['spark-workers']);
  if (!Number.isInteger(sparkWorkers) || sparkWorkers < 1) {
    throw new Error(
      `--spark-workers must be a positive integer, got '${values['spark-workers']}'`,
    );
  }
  const faults: FaultConfig | undefined = values.faults
    ? JSON.parse(fs.readFileSync(values.faults, 'utf8'))
    : undefined;
  const running = await startEmulator({
    port,
    host: values.host,
    stateDir: values['state-dir'],
    reset: values.reset,
    clockSpeed,
    faults,
    accountId: values['account-id'],
    settings: {
      glueJobExecution: glueExecution,
      glueSparkWorkers: sparkWorkers,
      ...(values['spark-home'] ? { sparkHome: values['spark-home'] } : {}),
    },
  });
  process.stdout.write(
    `aws-local listening on ${running.url} (state in ${
      running.emulator.stateDir
    }; services: ${running.emulator.serviceNames().join(', ')})\n`,
  );
  const stop = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch(error => {
    process.stderr.write(`aws-local: ${error.message}\n${USAGE}\n`);
    process.exit(1);
  });
}
