import { parseArgs } from 'node:util';
import { applyDemoChanges } from './demoChanges';

const USAGE =
  'Usage: demo-changes [--mysql-host 127.0.0.1] [--mysql-port 3306] [--mysql-user root] [--mysql-password ""] [--json]';

/** `yarn demo-changes`: applies one batch of changes to the demo MariaDB. */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'mysql-host': { type: 'string', default: '127.0.0.1' },
      'mysql-port': { type: 'string', default: '3306' },
      'mysql-user': { type: 'string', default: 'root' },
      'mysql-password': { type: 'string', default: '' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const changes = await applyDemoChanges({
    host: values['mysql-host']!,
    port: Number(values['mysql-port']),
    user: values['mysql-user']!,
    password: values['mysql-password']!,
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(changes)}\n`);
  } else {
    const lines = [
      `actor ${changes.actor.actorId} inserted`,
      `customer ${changes.customer.customerId}: e-mail cleared`,
      `payment ${changes.payment.paymentId} inserted, ${changes.payment.deleted} earlier demo payment deleted`,
      'DMS writes them to the landing bucket within its batch interval; the next pipeline run (or Run now on a table page) merges them.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return 0;
}
