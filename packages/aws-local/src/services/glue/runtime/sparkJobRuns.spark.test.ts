/*
 * Glue job runs executed for real: the emulator runs the job's script from its S3 on the local Spark
 * + Iceberg runtime, Iceberg's GlueCatalog and S3FileIO talking back to the emulator, and the run's
 * state, error and CloudWatch Logs come from what happened. Requires the runtime
 * (scripts/spark-runtime.sh); CI installs it.
 */
import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  BatchStopJobRunCommand,
  CreateDatabaseCommand,
  CreateJobCommand,
  CreateTableCommand,
  GetJobRunCommand,
  GlueClient,
  JobRun,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import {
  CreateBucketCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { RunningEmulator } from '../../../core/emulator';
import { clientConfig, startTestEmulator } from '../../../testing/testEmulator';
import { GLUE_ERROR_LOG_GROUP, GLUE_OUTPUT_LOG_GROUP } from './executeJobRun';

jest.setTimeout(300_000);

const CATALOG = 'glue_catalog';
const icebergConf = [
  'spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
  `spark.sql.catalog.${CATALOG}=org.apache.iceberg.spark.SparkCatalog`,
  `spark.sql.catalog.${CATALOG}.warehouse=s3://lake/`,
  `spark.sql.catalog.${CATALOG}.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog`,
  `spark.sql.catalog.${CATALOG}.io-impl=org.apache.iceberg.aws.s3.S3FileIO`,
].join(' --conf ');

let running: RunningEmulator;
let glue: GlueClient;
let s3: S3Client;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  running = await startTestEmulator({ clockSpeed: 1 });
  glue = new GlueClient(clientConfig(running));
  s3 = new S3Client(clientConfig(running));
  logs = new CloudWatchLogsClient(clientConfig(running));
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'scripts' }));
  await glue.send(
    new CreateDatabaseCommand({ DatabaseInput: { Name: 'bronze' } }),
  );
  await glue.send(
    new CreateTableCommand({
      DatabaseName: 'bronze',
      OpenTableFormatInput: {
        IcebergInput: { MetadataOperation: 'CREATE', Version: '2' },
      },
      TableInput: {
        Name: 'items',
        TableType: 'EXTERNAL_TABLE',
        StorageDescriptor: {
          Location: 's3://lake/bronze/items',
          Columns: [
            { Name: 'id', Type: 'bigint' },
            { Name: 'name', Type: 'string' },
          ],
        },
      },
    }),
  );
});

afterAll(async () => {
  await running?.close();
});

let jobs = 0;
/** A Glue job running `script`, with the Iceberg catalog configured as our actions configure it. */
async function job(
  script: string,
  options: { iceberg?: boolean; maxConcurrentRuns?: number } = {},
) {
  const name = `job-${++jobs}`;
  await s3.send(
    new PutObjectCommand({
      Bucket: 'scripts',
      Key: `jobs/${name}.py`,
      Body: script,
    }),
  );
  await glue.send(
    new CreateJobCommand({
      Name: name,
      Role: 'arn:aws:iam::000000000000:role/glue',
      GlueVersion: '5.0',
      Command: {
        Name: 'glueetl',
        ScriptLocation: `s3://scripts/jobs/${name}.py`,
        PythonVersion: '3',
      },
      ExecutionProperty: { MaxConcurrentRuns: options.maxConcurrentRuns ?? 1 },
      DefaultArguments: {
        '--conf': icebergConf,
        ...(options.iceberg === false
          ? {}
          : { '--datalake-formats': 'iceberg' }),
      },
    }),
  );
  return name;
}

const TERMINAL = ['SUCCEEDED', 'FAILED', 'STOPPED', 'TIMEOUT', 'ERROR'];

async function runToEnd(
  jobName: string,
  args: Record<string, string> = {},
): Promise<JobRun> {
  const { JobRunId } = await glue.send(
    new StartJobRunCommand({ JobName: jobName, Arguments: args }),
  );
  return waitForEnd(jobName, JobRunId!);
}

async function waitForEnd(jobName: string, runId: string): Promise<JobRun> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const { JobRun: run } = await glue.send(
      new GetJobRunCommand({ JobName: jobName, RunId: runId }),
    );
    if (TERMINAL.includes(run!.JobRunState!)) return run!;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not end`);
    await new Promise(r => setTimeout(r, 250));
  }
}

async function logLines(group: string, runId: string) {
  const { events } = await logs.send(
    new GetLogEventsCommand({
      logGroupName: group,
      logStreamName: runId,
      startFromHead: true,
    }),
  );
  return (events ?? []).map(e => e.message!);
}

describe('Glue job runs on Spark with Iceberg', () => {
  it('runs the script from S3 against the Glue catalog and S3 of the emulator, with its arguments, and keeps its output in CloudWatch Logs', async () => {
    const writer = await job(`
import sys
from pyspark.sql import SparkSession
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
spark = SparkSession.builder.appName("writer").getOrCreate()
spark.sql("INSERT INTO glue_catalog.bronze.items VALUES (1, 'ana'), (2, 'ben')")
spark.sql("""MERGE INTO glue_catalog.bronze.items t
  USING (SELECT 2L AS id, '{}' AS name UNION ALL SELECT 3L, 'cy') s ON t.id = s.id
  WHEN MATCHED THEN UPDATE SET name = s.name WHEN NOT MATCHED THEN INSERT *""".format(args["--new_name"]))
print("job", args["--JOB_NAME"], "run", args["--JOB_RUN_ID"])
`);
    const run = await runToEnd(writer, { '--new_name': 'BEN' });
    expect(run).toMatchObject({ JobRunState: 'SUCCEEDED' });
    expect(run.ErrorMessage).toBeUndefined();
    expect(run.CompletedOn!.getTime()).toBeGreaterThanOrEqual(
      run.StartedOn!.getTime(),
    );
    expect(await logLines(GLUE_OUTPUT_LOG_GROUP, run.Id!)).toEqual([
      `job ${writer} run ${run.Id}`,
    ]);

    // A second job reads the table back through Iceberg: the commits are in the emulator.
    const reader = await job(`
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
for row in spark.sql("SELECT id, name FROM glue_catalog.bronze.items ORDER BY id").collect():
    print(row.id, row.name)
print(spark.sql("SELECT count(*) AS n FROM glue_catalog.bronze.items.snapshots").collect()[0].n, "snapshots")
`);
    const read = await runToEnd(reader);
    expect(read.JobRunState).toBe('SUCCEEDED');
    expect(await logLines(GLUE_OUTPUT_LOG_GROUP, read.Id!)).toEqual([
      '1 ana',
      '2 BEN',
      '3 cy',
      '2 snapshots',
    ]);
  });

  it('fails a run with the Python error and keeps the traceback in the error log', async () => {
    const name = await job(`
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
rows = spark.range(3).collect()
raise ValueError("row {} does not fit".format(len(rows)))
`);
    const run = await runToEnd(name);
    expect(run.JobRunState).toBe('FAILED');
    expect(run.ErrorMessage).toBe('ValueError: row 3 does not fit');
    const errors = await logLines(GLUE_ERROR_LOG_GROUP, run.Id!);
    expect(errors.join('\n')).toMatch(/Traceback[\s\S]*ValueError: row 3/);
  });

  it('fails a run with the JVM error of a bad query, and one whose script exits non-zero with its last error line', async () => {
    const badQuery = await job(`
from pyspark.sql import SparkSession
SparkSession.builder.getOrCreate().sql("SELECT * FROM glue_catalog.bronze.no_such_table").collect()
`);
    const run = await runToEnd(badQuery);
    expect(run.JobRunState).toBe('FAILED');
    expect(run.ErrorMessage).toMatch(/TABLE_OR_VIEW_NOT_FOUND|no_such_table/);

    const exits = await job(`
import sys
sys.stderr.write("datalake job failed: 2 rows have no key\\n")
raise SystemExit(1)
`);
    const exited = await runToEnd(exits);
    expect(exited.JobRunState).toBe('FAILED');
    expect(exited.ErrorMessage).toBe('datalake job failed: 2 rows have no key');
  });

  it('fails a run whose job uses Iceberg without --datalake-formats iceberg, as Glue has no Iceberg jars then', async () => {
    const name = await job('print("never runs")', { iceberg: false });
    const run = await runToEnd(name);
    expect(run.JobRunState).toBe('FAILED');
    expect(run.ErrorMessage).toMatch(
      /ClassNotFoundException.*datalake-formats/,
    );
  });

  it('stops a running run with BatchStopJobRun, and honours MaxConcurrentRuns', async () => {
    const name = await job(`
import time
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
for _ in range(600):
    spark.range(1000).count()
    time.sleep(0.2)
`);
    const { JobRunId } = await glue.send(
      new StartJobRunCommand({ JobName: name }),
    );
    await expect(
      glue.send(new StartJobRunCommand({ JobName: name })),
    ).rejects.toThrow(/Concurrent runs exceeded/);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { JobRun: r } = await glue.send(
        new GetJobRunCommand({ JobName: name, RunId: JobRunId }),
      );
      if (r!.JobRunState === 'RUNNING') break;
      if (Date.now() > deadline) throw new Error('the run never ran');
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    const stop = await glue.send(
      new BatchStopJobRunCommand({ JobName: name, JobRunIds: [JobRunId!] }),
    );
    expect(stop.SuccessfulSubmissions).toHaveLength(1);
    const stopped = await waitForEnd(name, JobRunId!);
    expect({
      state: stopped.JobRunState,
      error: stopped.ErrorMessage,
    }).toEqual({ state: 'STOPPED', error: undefined });
    expect(stopped.ExecutionTime).toBeGreaterThanOrEqual(0);
  });
});

describe('Glue job runs without a Spark runtime', () => {
  it('fails every run and says why', async () => {
    const bare = await startTestEmulator({
      clockSpeed: 1,
      settings: { sparkHome: '/nonexistent/spark' },
    });
    try {
      const client = new GlueClient(clientConfig(bare));
      await client.send(
        new CreateJobCommand({
          Name: 'j',
          Role: 'arn:aws:iam::000000000000:role/glue',
          Command: { Name: 'glueetl', ScriptLocation: 's3://scripts/j.py' },
        }),
      );
      const { JobRunId } = await client.send(
        new StartJobRunCommand({ JobName: 'j' }),
      );
      let run: JobRun | undefined;
      for (let i = 0; i < 100; i++) {
        ({ JobRun: run } = await client.send(
          new GetJobRunCommand({ JobName: 'j', RunId: JobRunId }),
        ));
        if (run!.JobRunState === 'FAILED') break;
        await new Promise(resolve => setTimeout(resolve, 50));
      }
      expect(run).toMatchObject({ JobRunState: 'FAILED' });
      expect(run!.ErrorMessage).toMatch(
        /^aws-local did not execute this run: no Spark runtime in \/nonexistent\/spark/,
      );
    } finally {
      await bare.close();
    }
  });
});
