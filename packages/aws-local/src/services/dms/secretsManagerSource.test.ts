/*
 * A MySQL source endpoint whose connection details are a Secrets Manager secret
 * (`MySQLSettings.SecretsManagerSecretId`, as the scaffolder's DMS actions create it): DMS reads
 * the secret from the emulated Secrets Manager for TestConnection, the full load and the binlog.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  CreateEndpointCommand,
  DescribeConnectionsCommand,
  TestConnectionCommand,
} from '@aws-sdk/client-database-migration-service';
import {
  CreateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import mysql from 'mysql2/promise';
import { RunningEmulator } from '../../core/emulator';
import {
  clientConfig,
  startTestEmulator,
  waitFor,
} from '../../testing/testEmulator';
import {
  createTask,
  dmsSetup,
  DmsSetup,
  download,
  duckdb,
  listKeys,
  MARIADB,
  rootConnection,
  sqlString,
  startTask,
  stopTask,
  waitForTask,
} from './__testUtils__/dmsFixtures';

const database = `dms_secret_${process.pid}`;
/** A login of its own, so that only the secret's password gets the task in. */
const user = `dms_secret_${process.pid}`;
const password = `Pw-${process.pid}-s3cret`;
const BUCKET = 'lake-landing';
const ROLE = 'arn:aws:iam::000000000000:role/dms-secrets';

const mappings = {
  rules: [
    {
      'rule-type': 'selection',
      'rule-id': '1',
      'rule-name': '1',
      'object-locator': { 'schema-name': database, 'table-name': 'customers' },
      'rule-action': 'include',
    },
  ],
};

describe('DMS source endpoint with a Secrets Manager secret', () => {
  let running: RunningEmulator;
  let setup: DmsSetup;
  let sm: SecretsManagerClient;
  let root: mysql.Connection;

  beforeAll(async () => {
    root = await rootConnection();
    const db = mysql.escapeId(database);
    await root.query(`DROP DATABASE IF EXISTS ${db}`);
    await root.query(`DROP USER IF EXISTS ?@'%'`, [user]);
    await root.query(`CREATE DATABASE ${db}`);
    await root.query(
      `CREATE TABLE ${db}.customers (id INT PRIMARY KEY, name VARCHAR(40))`,
    );
    await root.query(
      `INSERT INTO ${db}.customers VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger')`,
    );
    // The privileges a DMS MySQL source user needs (CHAP_Source.MySQL.html, "Prerequisites").
    await root.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
    await root.query(`GRANT SELECT ON ${db}.* TO ?@'%'`, [user]);
    await root.query(
      `GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO ?@'%'`,
      [user],
    );
  });

  afterAll(async () => {
    await root?.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(database)}`);
    await root?.query(`DROP USER IF EXISTS ?@'%'`, [user]);
    await root?.end();
  });

  beforeEach(async () => {
    running = await startTestEmulator({
      settings: { dmsConnectTimeoutMs: 3_000 },
    });
    setup = await dmsSetup(running, BUCKET);
    sm = new SecretsManagerClient(clientConfig(running));
  });

  afterEach(() => running.close());

  const createSecret = async (Name: string, SecretString: string) =>
    (await sm.send(new CreateSecretCommand({ Name, SecretString }))).ARN!;

  /** A source endpoint as the scaffolder creates it: no host or credentials, only the secret. */
  const secretSource = async (
    id: string,
    secretId: string,
    extra: { ServerName?: string; Port?: number } = {},
  ) =>
    (
      await setup.dms.send(
        new CreateEndpointCommand({
          EndpointIdentifier: id,
          EndpointType: 'source',
          EngineName: 'mysql',
          DatabaseName: database,
          MySQLSettings: {
            SecretsManagerSecretId: secretId,
            SecretsManagerAccessRoleArn: ROLE,
          },
          ...extra,
        }),
      )
    ).Endpoint!.EndpointArn!;

  const testConnection = async (endpointArn: string) => {
    await setup.dms.send(
      new TestConnectionCommand({
        ReplicationInstanceArn: setup.instanceArn,
        EndpointArn: endpointArn,
      }),
    );
    const result = await waitFor(
      () =>
        setup.dms.send(
          new DescribeConnectionsCommand({
            Filters: [{ Name: 'endpoint-arn', Values: [endpointArn] }],
          }),
        ),
      r => r.Connections![0].Status !== 'testing',
    );
    return result.Connections![0];
  };

  it('passes TestConnection and moves the table, full load and binlog CDC, with the secret', async () => {
    const arn = await createSecret(
      'prod/shop/dms',
      JSON.stringify({
        username: user,
        password,
        host: MARIADB.host,
        port: MARIADB.port,
      }),
    );
    // A partial ARN (without the random suffix), as datalake.sources configures it.
    const sourceArn = await secretSource('shop', arn.slice(0, -7));
    expect(await testConnection(sourceArn)).toMatchObject({
      Status: 'successful',
    });

    const task = await createTask(
      { ...setup, sourceArn },
      {
        migrationType: 'full-load-and-cdc',
        s3Settings: {
          BucketName: BUCKET,
          BucketFolder: 'landing',
          DataFormat: 'parquet',
          IncludeOpForFullLoad: true,
          CdcMaxBatchInterval: 60,
        },
        tableMappings: mappings,
      },
    );
    await startTask(setup, task);
    await waitForTask(
      setup,
      task,
      t =>
        t.Status === 'running' &&
        t.ReplicationTaskStats?.FullLoadProgressPercent === 100,
    );
    await root.query(
      `INSERT INTO ${mysql.escapeId(database)}.customers VALUES (4, 'Barbara')`,
    );
    const prefix = `landing/${database}/customers/`;
    const keys = await waitFor(
      () => listKeys(setup, BUCKET, prefix),
      found => found.some(k => !k.startsWith(`${prefix}LOAD`)),
      30_000,
    );
    await stopTask(setup, task);

    const dir = await download(setup, BUCKET, keys);
    try {
      const rows = await duckdb(
        `SELECT Op, id, name FROM read_parquet(${sqlString(
          path.join(dir, prefix, '*.parquet'),
        )}) ORDER BY id`,
      );
      expect(rows).toEqual([
        { Op: 'I', id: 1, name: 'Ada' },
        { Op: 'I', id: 2, name: 'Grace' },
        { Op: 'I', id: 3, name: 'Edsger' },
        { Op: 'I', id: 4, name: 'Barbara' },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes host and port from the endpoint when the secret has none, and logs in with the secret's password", async () => {
    await createSecret(
      'creds-only',
      JSON.stringify({ username: user, password }),
    );
    const withEndpointHost = await secretSource('creds-only', 'creds-only', {
      ServerName: MARIADB.host,
      Port: MARIADB.port,
    });
    expect(await testConnection(withEndpointHost)).toMatchObject({
      Status: 'successful',
    });

    const noHost = await secretSource('no-host', 'creds-only');
    expect(await testConnection(noHost)).toMatchObject({
      Status: 'failed',
      LastFailureMessage: expect.stringContaining('names the server'),
    });

    await createSecret(
      'wrong-password',
      JSON.stringify({
        username: user,
        password: 'not-it',
        host: MARIADB.host,
        port: MARIADB.port,
      }),
    );
    expect(
      await testConnection(await secretSource('wrong', 'wrong-password')),
    ).toMatchObject({
      Status: 'failed',
      LastFailureMessage: expect.stringContaining('Access denied'),
    });
  });

  it('fails TestConnection and the task when the secret is missing or not JSON', async () => {
    const missing = await secretSource(
      'missing',
      'arn:aws:secretsmanager:eu-west-1:000000000000:secret:no-such-secret',
    );
    const connection = await testConnection(missing);
    expect(connection.Status).toBe('failed');
    expect(connection.LastFailureMessage).toContain(
      'Endpoint missing could not read its connection details from Secrets Manager secret arn:aws:secretsmanager:eu-west-1:000000000000:secret:no-such-secret: ResourceNotFoundException',
    );

    await createSecret('not-json', 'username=root');
    expect(
      await testConnection(await secretSource('bad-json', 'not-json')),
    ).toMatchObject({
      Status: 'failed',
      LastFailureMessage: expect.stringContaining(
        'the SecretString is not JSON',
      ),
    });

    const task = await createTask(
      { ...setup, sourceArn: missing },
      {
        migrationType: 'full-load',
        s3Settings: { BucketName: BUCKET, DataFormat: 'parquet' },
        tableMappings: mappings,
      },
    );
    await startTask(setup, task);
    const failed = await waitForTask(setup, task, t => t.Status === 'failed');
    expect(failed.StopReason).toBe('Stop Reason FATAL_ERROR');
    expect(failed.LastFailureMessage).toContain('ResourceNotFoundException');
    expect(await listKeys(setup, BUCKET)).toEqual([]);
  });
});
