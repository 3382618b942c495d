/*
 * `yarn bench access`: 200 concurrent access request creations, then 200 concurrent approvals,
 * against the data lake backend started in-process on PostgreSQL (127.0.0.1:5432) with the
 * local AWS emulator behind it. Checks that every approval produced exactly the expected grant
 * in the emulator (none lost, none duplicated) and reports p50/p95/max latency per route.
 */
import {
  LakeFormationClient,
  ListPermissionsCommand,
  PrincipalResourcePermissions,
} from '@aws-sdk/client-lakeformation';
import { mockCredentials } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import {
  CUSTOMER_REF,
  startAccessTestBackend,
} from '../plugins/datalake-backend/src/access/__testUtils__/accessTestBackend';

const COUNT = Number(process.env.BENCH_ACCESS_REQUESTS ?? 200);
const BASE = '/api/datalake/v1/access-requests';

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

const summary = (values: number[]) => ({
  count: values.length,
  p50Ms: Math.round(percentile(values, 50) * 10) / 10,
  p95Ms: Math.round(percentile(values, 95) * 10) / 10,
  maxMs: Math.round(Math.max(...values) * 10) / 10,
});

async function timed<T>(fn: () => Promise<T>, into: number[]) {
  const start = performance.now();
  const result = await fn();
  into.push(performance.now() - start);
  return result;
}

async function main() {
  const users = Array.from(
    { length: COUNT },
    (_, i) => `user:default/bench-${i}`,
  );
  const backend = await startAccessTestBackend({
    database: 'postgres',
    directory: Object.fromEntries(users.map(u => [u, ['group:default/bench']])),
  });
  const lf = new LakeFormationClient({
    endpoint: backend.emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    const createMs: number[] = [];
    const approveMs: number[] = [];
    const started = performance.now();
    const created = await Promise.all(
      users.map(user =>
        timed(
          () =>
            request(backend.server)
              .post(BASE)
              .set('Authorization', mockCredentials.user.header(user))
              .send({
                entityRef: CUSTOMER_REF,
                columns: ['customer_id', 'email'],
                permissions: ['SELECT'],
                justification: 'load test',
                durationDays: 7,
              }),
          createMs,
        ),
      ),
    );
    const failedCreates = created.filter(r => r.status !== 201);
    const approved = await Promise.all(
      created
        .filter(r => r.status === 201)
        .map(r =>
          timed(
            () =>
              request(backend.server)
                .post(`${BASE}/${r.body.id}/approve`)
                .set(
                  'Authorization',
                  mockCredentials.user.header('user:default/dana'),
                )
                .send({}),
            approveMs,
          ),
        ),
    );
    const wallMs = performance.now() - started;
    const failedApprovals = approved.filter(
      r => r.status !== 200 || r.body.status !== 'granted',
    );

    const listed: PrincipalResourcePermissions[] = [];
    let NextToken: string | undefined;
    do {
      const page = await lf.send(
        new ListPermissionsCommand({
          Resource: {
            Table: { DatabaseName: 'sakila_silver', Name: 'customer' },
          },
          IncludeRelated: 'TRUE',
          NextToken,
        }),
      );
      listed.push(...(page.PrincipalResourcePermissions ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    const expected = new Set(
      users.map(
        u => `arn:aws:iam::000000000000:role/datalake-${u.split('/')[1]}`,
      ),
    );
    const perPrincipal = new Map<string, number>();
    for (const p of listed) {
      const principal = p.Principal?.DataLakePrincipalIdentifier ?? '';
      const cols = p.Resource?.TableWithColumns?.ColumnNames?.join(',');
      if (cols !== 'customer_id,email' || p.Permissions?.join() !== 'SELECT') {
        throw new Error(`Unexpected grant ${JSON.stringify(p)}`);
      }
      perPrincipal.set(principal, (perPrincipal.get(principal) ?? 0) + 1);
    }
    const lost = [...expected].filter(p => !perPrincipal.has(p));
    const duplicated = [...perPrincipal]
      .filter(([, n]) => n > 1)
      .map(([p]) => p);
    const unexpected = [...perPrincipal.keys()].filter(p => !expected.has(p));

    const result = {
      benchmark: 'access',
      database: 'postgres',
      requests: COUNT,
      concurrency: COUNT,
      wallMs: Math.round(wallMs),
      routes: {
        'POST /v1/access-requests': summary(createMs),
        'POST /v1/access-requests/{id}/approve': summary(approveMs),
      },
      failedCreates: failedCreates.length,
      failedApprovals: failedApprovals.length,
      grantsInEmulator: listed.length,
      lostGrants: lost.length,
      duplicatedGrants: duplicated.length,
      unexpectedGrants: unexpected.length,
      ok:
        failedCreates.length === 0 &&
        failedApprovals.length === 0 &&
        lost.length === 0 &&
        duplicated.length === 0 &&
        unexpected.length === 0,
    };
    const out = path.resolve(__dirname, 'results/access.json');
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    if (!result.ok) process.exitCode = 1;
  } finally {
    lf.destroy();
    await backend.stop();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
