import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { FaultConfig } from './core/faults';
import { startEmulator } from './start';

const USAGE = `Usage: aws-local [--port 4566] [--state-dir DIR] [--reset] [--clock-speed N] [--faults FILE] [--account-id ID]`;

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
