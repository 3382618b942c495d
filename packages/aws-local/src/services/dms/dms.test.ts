import {
  CreateEndpointCommand,
  CreateReplicationConfigCommand,
  CreateReplicationInstanceCommand,
  CreateReplicationTaskCommand,
  DatabaseMigrationServiceClient,
  DeleteEndpointCommand,
  DeleteReplicationConfigCommand,
  DeleteReplicationInstanceCommand,
  DeleteReplicationTaskCommand,
  DescribeEndpointsCommand,
  DescribeConnectionsCommand,
  DescribeReplicationConfigsCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  ModifyEndpointCommand,
  ModifyReplicationTaskCommand,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
  TestConnectionCommand,
  paginateDescribeEndpoints,
} from '@aws-sdk/client-database-migration-service';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import mysql from 'mysql2/promise';
import { RunningEmulator } from '../../core/emulator';
import {
  admin,
  clientConfig,
  startTestEmulator,
  waitFor,
} from '../../testing/testEmulator';

const MARIADB = { ServerName: '127.0.0.1', Port: 3306, Username: 'root' };
const SCHEMA = 'aws_local_dms_test';
const MARIADB_ROOT = { host: '127.0.0.1', port: 3306, user: 'root' };

describe('DMS emulator', () => {
  let running: RunningEmulator;
  let dms: DatabaseMigrationServiceClient;

  beforeAll(async () => {
    const connection = await mysql.createConnection({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
    });
    await connection.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
    await connection.query(`CREATE DATABASE ${SCHEMA}`);
    await connection.query(
      `CREATE TABLE ${SCHEMA}.actor (id INT PRIMARY KEY, name VARCHAR(20))`,
    );
    await connection.query(`CREATE TABLE ${SCHEMA}.film (id INT PRIMARY KEY)`);
    await connection.query(
      `CREATE TABLE ${SCHEMA}.skipped (id INT PRIMARY KEY)`,
    );
    await connection.query(
      `INSERT INTO ${SCHEMA}.actor VALUES (1,'a'),(2,'b'),(3,'c')`,
    );
    await connection.query(`INSERT INTO ${SCHEMA}.film VALUES (1),(2)`);
    await connection.end();
  });

  afterAll(async () => {
    const connection = await mysql.createConnection({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
    });
    await connection.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
    await connection.end();
  });

  beforeEach(async () => {
    running = await startTestEmulator({
      settings: { dmsConnectTimeoutMs: 3_000 },
    });
    dms = new DatabaseMigrationServiceClient(clientConfig(running));
  });

  afterEach(() => running.close());

  const mysqlSource = (id: string, extra: Record<string, unknown> = {}) =>
    dms.send(
      new CreateEndpointCommand({
        EndpointIdentifier: id,
        EndpointType: 'source',
        EngineName: 'mysql',
        ...MARIADB,
        Password: '',
        ...extra,
      }),
    );

  const availableInstance = async () => {
    const { ReplicationInstance } = await dms.send(
      new CreateReplicationInstanceCommand({
        ReplicationInstanceIdentifier: 'rep-1',
        ReplicationInstanceClass: 'dms.t3.medium',
      }),
    );
    await waitFor(
      () =>
        dms.send(
          new DescribeReplicationInstancesCommand({
            Filters: [{ Name: 'replication-instance-id', Values: ['rep-1'] }],
          }),
        ),
      r => r.ReplicationInstances![0].ReplicationInstanceStatus === 'available',
    );
    return ReplicationInstance!.ReplicationInstanceArn!;
  };

  const testConnection = async (instanceArn: string, endpointArn: string) => {
    const started = await dms.send(
      new TestConnectionCommand({
        ReplicationInstanceArn: instanceArn,
        EndpointArn: endpointArn,
      }),
    );
    expect(started.Connection?.Status).toBe('testing');
    const result = await waitFor(
      () =>
        dms.send(
          new DescribeConnectionsCommand({
            Filters: [{ Name: 'endpoint-arn', Values: [endpointArn] }],
          }),
        ),
      r => r.Connections![0].Status !== 'testing',
    );
    return result.Connections![0];
  };

  it('creates, describes with filters and pages, modifies and deletes endpoints', async () => {
    for (let i = 0; i < 25; i++)
      await mysqlSource(`src-${String(i).padStart(2, '0')}`);
    const created = await mysqlSource('Orders-DB');
    expect(created.Endpoint).toMatchObject({
      EndpointIdentifier: 'orders-db',
      EndpointType: 'SOURCE',
      EngineName: 'mysql',
      Status: 'active',
    });
    expect(created.Endpoint?.EndpointArn).toMatch(
      /^arn:aws:dms:eu-west-1:000000000000:endpoint:[A-Z0-9]{26}$/,
    );
    expect(created.Endpoint).not.toHaveProperty('Password');
    await expect(mysqlSource('orders-db')).rejects.toMatchObject({
      name: 'ResourceAlreadyExistsFault',
    });
    await expect(mysqlSource('bad--name')).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });

    const pages = [];
    for await (const page of paginateDescribeEndpoints(
      { client: dms, pageSize: 20 },
      {},
    )) {
      pages.push(page);
    }
    expect(pages.map(p => p.Endpoints!.length)).toEqual([20, 6]);
    await expect(
      dms.send(new DescribeConnectionsCommand({ MaxRecords: 5 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });

    const arn = created.Endpoint!.EndpointArn!;
    const modified = await dms.send(
      new ModifyEndpointCommand({ EndpointArn: arn, DatabaseName: 'sakila' }),
    );
    expect(modified.Endpoint?.DatabaseName).toBe('sakila');
    await dms.send(new DeleteEndpointCommand({ EndpointArn: arn }));
    await expect(
      dms.send(
        new DescribeEndpointsCommand({
          Filters: [{ Name: 'endpoint-arn', Values: [arn] }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundFault' });
    await expect(
      dms.send(new DeleteEndpointCommand({ EndpointArn: arn })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundFault' });
  });

  it('tests a MySQL endpoint against the real MariaDB: right password, wrong password, closed port', async () => {
    const instanceArn = await availableInstance();
    const good = await mysqlSource('good');
    const badPassword = await mysqlSource('bad-password', {
      Password: 'wrong-password',
    });
    const closedPort = await mysqlSource('closed-port', { Port: 1 });

    expect(
      await testConnection(instanceArn, good.Endpoint!.EndpointArn!),
    ).toMatchObject({
      Status: 'successful',
      EndpointIdentifier: 'good',
      ReplicationInstanceIdentifier: 'rep-1',
    });
    const denied = await testConnection(
      instanceArn,
      badPassword.Endpoint!.EndpointArn!,
    );
    expect(denied.Status).toBe('failed');
    expect(denied.LastFailureMessage).toMatch(
      /^Access denied for user 'root'@/,
    );
    const started = Date.now();
    const refused = await testConnection(
      instanceArn,
      closedPort.Endpoint!.EndpointArn!,
    );
    expect(refused.Status).toBe('failed');
    expect(refused.LastFailureMessage).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(3_000);

    await expect(
      dms.send(
        new TestConnectionCommand({
          ReplicationInstanceArn: instanceArn,
          EndpointArn: `${good.Endpoint!.EndpointArn!}X`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundFault' });
  });

  it('tests an S3 endpoint by its bucket in the emulated S3', async () => {
    const instanceArn = await availableInstance();
    const target = await dms.send(
      new CreateEndpointCommand({
        EndpointIdentifier: 'landing',
        EndpointType: 'target',
        EngineName: 's3',
        S3Settings: {
          BucketName: 'landing',
          ServiceAccessRoleArn: 'arn:aws:iam::000000000000:role/dms',
        },
      }),
    );
    const missing = await testConnection(
      instanceArn,
      target.Endpoint!.EndpointArn!,
    );
    expect(missing.Status).toBe('failed');
    expect(missing.LastFailureMessage).toMatch(/bucket does not exist/);
    await new S3Client(clientConfig(running)).send(
      new CreateBucketCommand({ Bucket: 'landing' }),
    );
    expect(
      (await testConnection(instanceArn, target.Endpoint!.EndpointArn!)).Status,
    ).toBe('successful');
  });

  it('runs a replication task through its statuses with table statistics from the source', async () => {
    const instanceArn = await availableInstance();
    const source = await mysqlSource('sakila-src');
    await new S3Client(clientConfig(running)).send(
      new CreateBucketCommand({ Bucket: 'landing' }),
    );
    const target = await dms.send(
      new CreateEndpointCommand({
        EndpointIdentifier: 'landing',
        EndpointType: 'target',
        EngineName: 's3',
        // One emulated second per CDC batch: 1 ms at the test clock speed.
        S3Settings: { BucketName: 'landing', CdcMaxBatchInterval: 1 },
      }),
    );
    const mappings = JSON.stringify({
      rules: [
        {
          'rule-type': 'selection',
          'rule-id': '1',
          'rule-name': '1',
          'object-locator': { 'schema-name': SCHEMA, 'table-name': '%' },
          'rule-action': 'include',
        },
        {
          'rule-type': 'selection',
          'rule-id': '2',
          'rule-name': '2',
          'object-locator': { 'schema-name': SCHEMA, 'table-name': 'skipped' },
          'rule-action': 'exclude',
        },
      ],
    });
    const created = await dms.send(
      new CreateReplicationTaskCommand({
        ReplicationTaskIdentifier: 'sakila-full-load',
        SourceEndpointArn: source.Endpoint!.EndpointArn!,
        TargetEndpointArn: target.Endpoint!.EndpointArn!,
        ReplicationInstanceArn: instanceArn,
        MigrationType: 'full-load-and-cdc',
        TableMappings: mappings,
      }),
    );
    const taskArn = created.ReplicationTask!.ReplicationTaskArn!;
    expect(created.ReplicationTask?.Status).toBe('creating');
    expect(taskArn).toMatch(
      /^arn:aws:dms:eu-west-1:000000000000:task:[A-Z0-9]{26}$/,
    );
    await expect(
      dms.send(
        new CreateReplicationTaskCommand({
          ReplicationTaskIdentifier: 'sakila-full-load',
          SourceEndpointArn: source.Endpoint!.EndpointArn!,
          TargetEndpointArn: target.Endpoint!.EndpointArn!,
          ReplicationInstanceArn: instanceArn,
          MigrationType: 'full-load',
          TableMappings: mappings,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceAlreadyExistsFault' });
    const describeTask = async () =>
      (
        await dms.send(
          new DescribeReplicationTasksCommand({
            Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }],
          }),
        )
      ).ReplicationTasks![0];
    await waitFor(describeTask, t => t.Status === 'ready');
    await expect(
      dms.send(new StopReplicationTaskCommand({ ReplicationTaskArn: taskArn })),
    ).rejects.toMatchObject({ name: 'InvalidResourceStateFault' });
    await dms.send(
      new ModifyReplicationTaskCommand({
        ReplicationTaskArn: taskArn,
        ReplicationTaskSettings: '{"Logging":{"EnableLogging":true}}',
      }),
    );

    const start = await dms.send(
      new StartReplicationTaskCommand({
        ReplicationTaskArn: taskArn,
        StartReplicationTaskType: 'start-replication',
      }),
    );
    expect(start.ReplicationTask?.Status).toBe('starting');
    const runningTask = await waitFor(
      describeTask,
      t =>
        t.Status === 'running' &&
        t.ReplicationTaskStats?.FullLoadProgressPercent === 100,
    );
    expect(runningTask.ReplicationTaskStats).toMatchObject({
      TablesLoaded: 2,
      TablesErrored: 0,
    });

    const stats = await waitFor(
      () =>
        dms.send(
          new DescribeTableStatisticsCommand({ ReplicationTaskArn: taskArn }),
        ),
      s => s.TableStatistics!.length === 2,
    );
    expect(stats.TableStatistics).toEqual([
      expect.objectContaining({
        SchemaName: SCHEMA,
        TableName: 'actor',
        FullLoadRows: 3,
        TableState: 'Table completed',
        Inserts: 0,
      }),
      expect.objectContaining({
        SchemaName: SCHEMA,
        TableName: 'film',
        FullLoadRows: 2,
        TableState: 'Table completed',
      }),
    ]);
    expect(stats.TableStatistics![0].LastUpdateTime).toBeInstanceOf(Date);
    // A change in the source arrives through the binary log.
    await waitFor(
      () =>
        admin(running, 'POST', 'dms/task-latency', {
          ReplicationTaskArn: taskArn,
        }),
      r => r.body.Checkpoint !== null,
    );
    const connection = await mysql.createConnection(MARIADB_ROOT);
    await connection.query(`INSERT INTO ${SCHEMA}.actor VALUES (4, 'd')`);
    await connection.end();
    const afterChanges = await waitFor(
      () =>
        dms.send(
          new DescribeTableStatisticsCommand({
            ReplicationTaskArn: taskArn,
            MaxRecords: 10,
            Filters: [{ Name: 'table-name', Values: ['actor'] }],
          }),
        ),
      r => r.TableStatistics![0].Inserts === 1,
    );
    expect(afterChanges.TableStatistics).toEqual([
      expect.objectContaining({ Inserts: 1, Updates: 0, Deletes: 0 }),
    ]);

    await expect(
      dms.send(
        new DeleteReplicationTaskCommand({ ReplicationTaskArn: taskArn }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidResourceStateFault' });
    await expect(
      dms.send(
        new DeleteEndpointCommand({
          EndpointArn: source.Endpoint!.EndpointArn!,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidResourceStateFault' });
    await dms.send(
      new StopReplicationTaskCommand({ ReplicationTaskArn: taskArn }),
    );
    const stopped = await waitFor(describeTask, t => t.Status === 'stopped');
    expect(stopped.StopReason).toBe('Stop Reason NORMAL');
    await dms.send(
      new DeleteReplicationTaskCommand({ ReplicationTaskArn: taskArn }),
    );
    await expect(
      dms.send(
        new DescribeTableStatisticsCommand({ ReplicationTaskArn: taskArn }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundFault' });
    await dms.send(
      new DeleteReplicationInstanceCommand({
        ReplicationInstanceArn: instanceArn,
      }),
    );
    await expect(
      dms.send(
        new DeleteReplicationInstanceCommand({
          ReplicationInstanceArn: instanceArn,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundFault' });
  }, 20_000);

  it('fails a task whose source refuses the login', async () => {
    const instanceArn = await availableInstance();
    const source = await mysqlSource('locked', { Password: 'nope' });
    const target = await dms.send(
      new CreateEndpointCommand({
        EndpointIdentifier: 'landing',
        EndpointType: 'target',
        EngineName: 's3',
        S3Settings: { BucketName: 'landing' },
      }),
    );
    const { ReplicationTask } = await dms.send(
      new CreateReplicationTaskCommand({
        ReplicationTaskIdentifier: 'doomed',
        SourceEndpointArn: source.Endpoint!.EndpointArn!,
        TargetEndpointArn: target.Endpoint!.EndpointArn!,
        ReplicationInstanceArn: instanceArn,
        MigrationType: 'full-load',
        TableMappings: JSON.stringify({
          rules: [
            {
              'rule-type': 'selection',
              'object-locator': {
                'schema-name': SCHEMA,
                'table-name': 'actor',
              },
              'rule-action': 'include',
            },
          ],
        }),
      }),
    );
    const arn = ReplicationTask!.ReplicationTaskArn!;
    await waitFor(
      () =>
        dms.send(
          new DescribeReplicationTasksCommand({
            Filters: [{ Name: 'replication-task-arn', Values: [arn] }],
          }),
        ),
      r => r.ReplicationTasks![0].Status === 'ready',
    );
    await dms.send(
      new StartReplicationTaskCommand({
        ReplicationTaskArn: arn,
        StartReplicationTaskType: 'start-replication',
      }),
    );
    const failed = await waitFor(
      () =>
        dms.send(
          new DescribeReplicationTasksCommand({
            Filters: [{ Name: 'replication-task-arn', Values: [arn] }],
          }),
        ),
      r => r.ReplicationTasks![0].Status === 'failed',
    );
    expect(failed.ReplicationTasks![0].LastFailureMessage).toMatch(
      /Access denied for user/,
    );
  });

  it('creates, describes and deletes serverless replication configs', async () => {
    const source = await mysqlSource('src');
    const target = await dms.send(
      new CreateEndpointCommand({
        EndpointIdentifier: 'landing',
        EndpointType: 'target',
        EngineName: 's3',
        S3Settings: { BucketName: 'landing' },
      }),
    );
    const input = {
      ReplicationConfigIdentifier: 'sakila-cdc',
      SourceEndpointArn: source.Endpoint!.EndpointArn!,
      TargetEndpointArn: target.Endpoint!.EndpointArn!,
      ReplicationType: 'cdc' as const,
      ComputeConfig: { MaxCapacityUnits: 4 },
      TableMappings: '{"rules":[]}',
    };
    const { ReplicationConfig } = await dms.send(
      new CreateReplicationConfigCommand(input),
    );
    expect(ReplicationConfig?.ReplicationConfigArn).toMatch(
      /^arn:aws:dms:eu-west-1:000000000000:replication-config:[A-Z0-9]{26}$/,
    );
    await expect(
      dms.send(new CreateReplicationConfigCommand(input)),
    ).rejects.toMatchObject({
      name: 'ResourceAlreadyExistsFault',
    });
    const described = await dms.send(new DescribeReplicationConfigsCommand({}));
    expect(described.ReplicationConfigs).toHaveLength(1);
    expect(
      described.ReplicationConfigs![0].ReplicationConfigCreateTime,
    ).toBeInstanceOf(Date);
    await dms.send(
      new DeleteReplicationConfigCommand({
        ReplicationConfigArn: ReplicationConfig!.ReplicationConfigArn!,
      }),
    );
    await expect(
      dms.send(
        new DeleteReplicationConfigCommand({
          ReplicationConfigArn: ReplicationConfig!.ReplicationConfigArn!,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundFault' });
  });
});
