import {
  BatchDeleteTableCommand,
  BatchStopJobRunCommand,
  CreateDatabaseCommand,
  CreateJobCommand,
  CreateTableCommand,
  DeleteDatabaseCommand,
  DeleteJobCommand,
  DeleteTableCommand,
  GetDatabaseCommand,
  GetJobCommand,
  GetJobRunCommand,
  GetTableCommand,
  GetTableVersionsCommand,
  GetTagsCommand,
  GlueClient,
  StartJobRunCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDatabaseCommand,
  UpdateJobCommand,
  UpdateTableCommand,
  paginateGetDatabases,
  paginateGetJobRuns,
  paginateGetJobs,
  paginateGetTableVersions,
  paginateGetTables,
} from '@aws-sdk/client-glue';
import {
  GetObjectCommand,
  S3Client,
  CreateBucketCommand,
} from '@aws-sdk/client-s3';
import { RunningEmulator } from '../../core/emulator';
import {
  admin,
  clientConfig,
  startTestEmulator,
  waitFor,
} from '../../testing/testEmulator';

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

describe('Glue emulator', () => {
  let running: RunningEmulator;
  let glue: GlueClient;

  beforeEach(async () => {
    running = await startTestEmulator({
      // Run states on a timer: these tests are about the API, not about executing scripts.
      settings: {
        glueJobExecution: 'simulated',
        glueJobStartingMs: 20_000,
        glueJobRunningMs: 60_000,
      },
    });
    glue = new GlueClient(clientConfig(running));
  });

  afterEach(() => running.close());

  describe('databases', () => {
    it('creates, reads, updates, pages and deletes databases', async () => {
      for (let i = 0; i < 5; i++) {
        await glue.send(
          new CreateDatabaseCommand({
            DatabaseInput: { Name: `DB_${i}`, Description: `number ${i}` },
          }),
        );
      }
      const got = await glue.send(new GetDatabaseCommand({ Name: 'db_1' }));
      expect(got.Database).toMatchObject({
        Name: 'db_1',
        Description: 'number 1',
        CatalogId: '000000000000',
      });
      await glue.send(
        new UpdateDatabaseCommand({
          Name: 'db_1',
          DatabaseInput: { Name: 'db_1', Description: 'changed' },
        }),
      );
      const updated = await glue.send(new GetDatabaseCommand({ Name: 'db_1' }));
      expect(updated.Database?.Description).toBe('changed');

      const pages = await collect(
        paginateGetDatabases({ client: glue, pageSize: 2 }, {}),
      );
      expect(pages).toHaveLength(3);
      expect(pages.flatMap(p => p.DatabaseList!.map(d => d.Name))).toEqual([
        'db_0',
        'db_1',
        'db_2',
        'db_3',
        'db_4',
      ]);

      await glue.send(new DeleteDatabaseCommand({ Name: 'db_0' }));
      await expect(
        glue.send(new GetDatabaseCommand({ Name: 'db_0' })),
      ).rejects.toMatchObject({
        name: 'EntityNotFoundException',
        message: 'Database db_0 not found.',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('rejects a duplicate database, a missing one and an oversized page', async () => {
      await glue.send(
        new CreateDatabaseCommand({ DatabaseInput: { Name: 'a' } }),
      );
      await expect(
        glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'a' } })),
      ).rejects.toMatchObject({ name: 'AlreadyExistsException' });
      await expect(
        glue.send(
          new UpdateDatabaseCommand({
            Name: 'nope',
            DatabaseInput: { Name: 'nope' },
          }),
        ),
      ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
      await expect(
        glue.send(new DeleteDatabaseCommand({ Name: 'nope' })),
      ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
      await expect(
        collect(
          paginateGetTables(
            { client: glue, pageSize: 101 },
            { DatabaseName: 'a' },
          ),
        ),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('tables', () => {
    beforeEach(async () => {
      await glue.send(
        new CreateDatabaseCommand({ DatabaseInput: { Name: 'lake' } }),
      );
    });

    const createTable = (name: string) =>
      glue.send(
        new CreateTableCommand({
          DatabaseName: 'lake',
          TableInput: {
            Name: name,
            StorageDescriptor: {
              Columns: [{ Name: 'id', Type: 'bigint' }],
              Location: `s3://lake/${name}`,
            },
          },
        }),
      );

    it('pages through tables with the SDK paginator and filters by Expression', async () => {
      for (let i = 0; i < 7; i++) await createTable(`sales_${i}`);
      await createTable('customers');
      const pages = await collect(
        paginateGetTables(
          { client: glue, pageSize: 3 },
          { DatabaseName: 'lake' },
        ),
      );
      expect(pages.map(p => p.TableList!.length)).toEqual([3, 3, 2]);
      expect(pages[0].TableList![0]).toMatchObject({
        Name: 'customers',
        DatabaseName: 'lake',
        VersionId: '0',
      });
      expect(pages[0].TableList![0].CreateTime).toBeInstanceOf(Date);

      const filtered = await collect(
        paginateGetTables(
          { client: glue, pageSize: 2 },
          { DatabaseName: 'lake', Expression: 'sales*' },
        ),
      );
      expect(filtered.flatMap(p => p.TableList!.map(t => t.Name))).toHaveLength(
        7,
      );
      await expect(
        collect(
          paginateGetTables({ client: glue }, { DatabaseName: 'missing' }),
        ),
      ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
    });

    it('creates an Iceberg table as Iceberg itself registers one, with its metadata file', async () => {
      const s3 = new S3Client(clientConfig(running));
      await s3.send(new CreateBucketCommand({ Bucket: 'warehouse' }));
      await glue.send(
        new CreateTableCommand({
          DatabaseName: 'lake',
          TableInput: {
            Name: 'orders',
            StorageDescriptor: {
              Columns: [
                { Name: 'order_id', Type: 'bigint' },
                { Name: 'amount', Type: 'decimal(10,2)' },
              ],
              Location: 's3://warehouse/silver/orders',
            },
          },
          OpenTableFormatInput: {
            IcebergInput: { MetadataOperation: 'CREATE', Version: '2' },
          },
        }),
      );
      const { Table } = await glue.send(
        new GetTableCommand({ DatabaseName: 'lake', Name: 'orders' }),
      );
      expect(Table?.TableType).toBe('EXTERNAL_TABLE');
      expect(Table?.Parameters?.table_type).toBe('ICEBERG');
      const metadataLocation = Table!.Parameters!.metadata_location;
      expect(metadataLocation).toMatch(
        /^s3:\/\/warehouse\/silver\/orders\/metadata\/00000-[0-9a-f-]+\.metadata\.json$/,
      );
      const object = await s3.send(
        new GetObjectCommand({
          Bucket: 'warehouse',
          Key: metadataLocation.replace('s3://warehouse/', ''),
        }),
      );
      const metadata = JSON.parse(await object.Body!.transformToString());
      expect(metadata['format-version']).toBe(2);
      expect(metadata.schemas[0].fields).toEqual([
        { id: 1, name: 'order_id', required: false, type: 'long' },
        { id: 2, name: 'amount', required: false, type: 'decimal(10,2)' },
      ]);

      await expect(
        glue.send(
          new CreateTableCommand({
            DatabaseName: 'lake',
            TableInput: {
              Name: 'nowhere',
              StorageDescriptor: { Location: 's3://no-such-bucket/x' },
            },
            OpenTableFormatInput: {
              IcebergInput: { MetadataOperation: 'CREATE' },
            },
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidInputException' });
    });

    it('versions tables and rejects a stale VersionId', async () => {
      await createTable('events');
      for (const version of ['0', '1', '2']) {
        await glue.send(
          new UpdateTableCommand({
            DatabaseName: 'lake',
            VersionId: version,
            TableInput: {
              Name: 'events',
              Parameters: { revision: String(Number(version) + 1) },
            },
          }),
        );
      }
      const { Table } = await glue.send(
        new GetTableCommand({ DatabaseName: 'lake', Name: 'events' }),
      );
      expect(Table).toMatchObject({
        VersionId: '3',
        Parameters: { revision: '3' },
      });
      await expect(
        glue.send(
          new UpdateTableCommand({
            DatabaseName: 'lake',
            VersionId: '1',
            TableInput: { Name: 'events' },
          }),
        ),
      ).rejects.toMatchObject({ name: 'ConcurrentModificationException' });

      const pages = await collect(
        paginateGetTableVersions(
          { client: glue, pageSize: 3 },
          { DatabaseName: 'lake', TableName: 'events' },
        ),
      );
      expect(pages).toHaveLength(2);
      expect(
        pages.flatMap(p => p.TableVersions!.map(v => v.VersionId)),
      ).toEqual(['3', '2', '1', '0']);
      const single = await glue.send(
        new GetTableVersionsCommand({
          DatabaseName: 'lake',
          TableName: 'events',
          MaxResults: 1,
        }),
      );
      expect(single.TableVersions![0].Table?.Parameters?.revision).toBe('3');
    });

    it('rejects duplicate and missing tables, and deletes one or many', async () => {
      await createTable('t1');
      await createTable('t2');
      await createTable('t3');
      await expect(createTable('t1')).rejects.toMatchObject({
        name: 'AlreadyExistsException',
      });
      await expect(
        glue.send(new GetTableCommand({ DatabaseName: 'lake', Name: 'zz' })),
      ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
      await expect(
        glue.send(
          new UpdateTableCommand({
            DatabaseName: 'lake',
            TableInput: { Name: 'zz' },
          }),
        ),
      ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
      await glue.send(
        new DeleteTableCommand({ DatabaseName: 'lake', Name: 't1' }),
      );
      await expect(
        glue.send(new DeleteTableCommand({ DatabaseName: 'lake', Name: 't1' })),
      ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
      const batch = await glue.send(
        new BatchDeleteTableCommand({
          DatabaseName: 'lake',
          TablesToDelete: ['t2', 't3', 'zz'],
        }),
      );
      expect(batch.Errors).toEqual([
        {
          TableName: 'zz',
          ErrorDetail: {
            ErrorCode: 'EntityNotFoundException',
            ErrorMessage: 'Table zz not found.',
          },
        },
      ]);
      const left = await collect(
        paginateGetTables({ client: glue }, { DatabaseName: 'lake' }),
      );
      expect(left[0].TableList).toEqual([]);
    });
  });

  describe('jobs and job runs', () => {
    const createJob = (name: string, extra: Record<string, unknown> = {}) =>
      glue.send(
        new CreateJobCommand({
          Name: name,
          Role: 'arn:aws:iam::000000000000:role/glue',
          Command: { Name: 'glueetl', ScriptLocation: 's3://scripts/job.py' },
          ...extra,
        }),
      );

    it('creates, updates, pages and deletes jobs', async () => {
      for (let i = 0; i < 3; i++) await createJob(`job-${i}`);
      await expect(createJob('job-0')).rejects.toMatchObject({
        name: 'AlreadyExistsException',
      });
      await glue.send(
        new UpdateJobCommand({
          JobName: 'job-1',
          JobUpdate: {
            Role: 'arn:aws:iam::000000000000:role/other',
            Command: { Name: 'glueetl', ScriptLocation: 's3://scripts/v2.py' },
          },
        }),
      );
      const { Job } = await glue.send(new GetJobCommand({ JobName: 'job-1' }));
      expect(Job).toMatchObject({
        Name: 'job-1',
        Role: 'arn:aws:iam::000000000000:role/other',
        ExecutionProperty: { MaxConcurrentRuns: 1 },
      });
      expect(Job?.CreatedOn).toBeInstanceOf(Date);
      await expect(
        glue.send(
          new UpdateJobCommand({
            JobName: 'missing',
            JobUpdate: { Role: 'r', Command: { Name: 'glueetl' } },
          }),
        ),
      ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
      await expect(
        glue.send(new GetJobCommand({ JobName: 'missing' })),
      ).rejects.toMatchObject({ name: 'EntityNotFoundException' });

      const pages = await collect(
        paginateGetJobs({ client: glue, pageSize: 2 }, {}),
      );
      expect(pages.map(p => p.Jobs!.map(j => j.Name))).toEqual([
        ['job-0', 'job-1'],
        ['job-2'],
      ]);
      await glue.send(new DeleteJobCommand({ JobName: 'job-2' }));
      await expect(
        glue.send(new GetJobCommand({ JobName: 'job-2' })),
      ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
    });

    it('moves a run STARTING → RUNNING → SUCCEEDED on the clock', async () => {
      await createJob('merge', { DefaultArguments: { '--table': 'orders' } });
      const { JobRunId } = await glue.send(
        new StartJobRunCommand({
          JobName: 'merge',
          Arguments: { '--batch': '7' },
        }),
      );
      expect(JobRunId).toMatch(/^jr_[0-9a-f]{64}$/);
      const first = await glue.send(
        new GetJobRunCommand({ JobName: 'merge', RunId: JobRunId }),
      );
      expect(first.JobRun?.JobRunState).toBe('STARTING');
      expect(first.JobRun?.Arguments).toEqual({
        '--table': 'orders',
        '--batch': '7',
      });
      const seen = new Set<string>();
      const done = await waitFor(
        async () => {
          const { JobRun } = await glue.send(
            new GetJobRunCommand({ JobName: 'merge', RunId: JobRunId }),
          );
          seen.add(JobRun!.JobRunState!);
          return JobRun!;
        },
        run => run.JobRunState === 'SUCCEEDED',
      );
      expect(seen).toContain('RUNNING');
      expect(done.ExecutionTime).toBe(60);
      expect(done.DPUSeconds).toBe(600);
      expect(done.CompletedOn).toBeInstanceOf(Date);
      expect(done.ErrorMessage).toBeUndefined();
      await expect(
        glue.send(
          new GetJobRunCommand({ JobName: 'merge', RunId: 'jr_missing' }),
        ),
      ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
      await expect(
        glue.send(new StartJobRunCommand({ JobName: 'missing' })),
      ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
    });

    it('fails runs on demand: by argument and through the admin endpoint', async () => {
      await createJob('flaky', { ExecutionProperty: { MaxConcurrentRuns: 5 } });
      const byArgument = await glue.send(
        new StartJobRunCommand({
          JobName: 'flaky',
          Arguments: {
            '--aws-local-fail': 'true',
            '--aws-local-fail-message': 'AnalysisException: column x not found',
          },
        }),
      );
      const hook = await admin(running, 'POST', 'glue/fail-next', {
        JobName: 'flaky',
        message: 'OutOfMemoryError',
      });
      expect(hook.status).toBe(200);
      const byHook = await glue.send(
        new StartJobRunCommand({ JobName: 'flaky' }),
      );
      const normal = await glue.send(
        new StartJobRunCommand({ JobName: 'flaky' }),
      );
      const final = async (RunId: string) =>
        (
          await waitFor(
            () => glue.send(new GetJobRunCommand({ JobName: 'flaky', RunId })),
            r => ['FAILED', 'SUCCEEDED'].includes(r.JobRun!.JobRunState!),
          )
        ).JobRun!;
      expect(await final(byArgument.JobRunId!)).toMatchObject({
        JobRunState: 'FAILED',
        ErrorMessage: 'AnalysisException: column x not found',
      });
      expect(await final(byHook.JobRunId!)).toMatchObject({
        JobRunState: 'FAILED',
        ErrorMessage: 'OutOfMemoryError',
      });
      expect((await final(normal.JobRunId!)).JobRunState).toBe('SUCCEEDED');
    });

    it('enforces MaxConcurrentRuns, stops runs and pages through them newest first', async () => {
      await createJob('busy', { ExecutionProperty: { MaxConcurrentRuns: 3 } });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(
          (await glue.send(new StartJobRunCommand({ JobName: 'busy' })))
            .JobRunId!,
        );
      }
      await expect(
        glue.send(new StartJobRunCommand({ JobName: 'busy' })),
      ).rejects.toMatchObject({ name: 'ConcurrentRunsExceededException' });

      const stop = await glue.send(
        new BatchStopJobRunCommand({
          JobName: 'busy',
          JobRunIds: [ids[0], 'jr_nope'],
        }),
      );
      expect(stop.SuccessfulSubmissions).toEqual([
        { JobName: 'busy', JobRunId: ids[0] },
      ]);
      expect(stop.Errors?.[0]).toMatchObject({
        JobRunId: 'jr_nope',
        ErrorDetail: { ErrorCode: 'EntityNotFoundException' },
      });
      const stopped = await waitFor(
        () =>
          glue.send(new GetJobRunCommand({ JobName: 'busy', RunId: ids[0] })),
        r => r.JobRun!.JobRunState === 'STOPPED',
      );
      expect(stopped.JobRun?.CompletedOn).toBeInstanceOf(Date);
      ids.push(
        (await glue.send(new StartJobRunCommand({ JobName: 'busy' })))
          .JobRunId!,
      );

      const pages = await collect(
        paginateGetJobRuns({ client: glue, pageSize: 3 }, { JobName: 'busy' }),
      );
      expect(pages.map(p => p.JobRuns!.length)).toEqual([3, 1]);
      expect(new Set(pages.flatMap(p => p.JobRuns!.map(r => r.Id)))).toEqual(
        new Set(ids),
      );
      await expect(
        collect(paginateGetJobRuns({ client: glue }, { JobName: 'missing' })),
      ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
    });
  });

  it('tags jobs, databases and tables by ARN', async () => {
    await glue.send(
      new CreateJobCommand({
        Name: 'tagged',
        Role: 'r',
        Command: { Name: 'glueetl' },
        Tags: { team: 'data' },
      }),
    );
    const arn = 'arn:aws:glue:eu-west-1:000000000000:job/tagged';
    await glue.send(
      new TagResourceCommand({ ResourceArn: arn, TagsToAdd: { env: 'dev' } }),
    );
    expect(
      (await glue.send(new GetTagsCommand({ ResourceArn: arn }))).Tags,
    ).toEqual({
      team: 'data',
      env: 'dev',
    });
    await glue.send(
      new UntagResourceCommand({ ResourceArn: arn, TagsToRemove: ['team'] }),
    );
    expect(
      (await glue.send(new GetTagsCommand({ ResourceArn: arn }))).Tags,
    ).toEqual({
      env: 'dev',
    });
    await expect(
      glue.send(
        new GetTagsCommand({
          ResourceArn: 'arn:aws:glue:eu-west-1:000000000000:database/nope',
        }),
      ),
    ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
  });
});
