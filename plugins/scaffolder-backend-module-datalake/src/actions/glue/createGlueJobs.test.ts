import {
  CreateJobCommand,
  EntityNotFoundException,
  GetJobCommand,
  GlueClient,
  UpdateJobCommand,
} from '@aws-sdk/client-glue';
import {
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { createGlueJobCreateAction } from './createGlueJobs';
import { examples } from './createGlueJobs.examples';
import {
  actionContext,
  exampleInputs,
  GLUE_ROLE,
  mockedOptions,
  sakilaInspection,
  testPipelineConfig,
} from './__testUtils__/pipelineTestContext';

const glue = mockClient(GlueClient);
const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);

/** Doubles of Glue jobs and S3 objects that keep what was written. */
function fakeAws() {
  const jobs = new Map<string, any>();
  const objects = new Map<string, string>();
  glue.on(GetJobCommand).callsFake(input => {
    const job = jobs.get(input.JobName);
    if (!job)
      throw new EntityNotFoundException({
        message: 'not found',
        $metadata: {},
      });
    return { Job: job };
  });
  glue.on(CreateJobCommand).callsFake(({ Tags: _tags, ...input }) => {
    jobs.set(input.Name, {
      ...input,
      CreatedOn: new Date(),
      AllocatedCapacity: 4,
    });
    return { Name: input.Name };
  });
  glue.on(UpdateJobCommand).callsFake(input => {
    jobs.set(input.JobName, { ...input.JobUpdate, Name: input.JobName });
    return { JobName: input.JobName };
  });
  s3.on(HeadObjectCommand).callsFake(input => {
    const body = objects.get(`${input.Bucket}/${input.Key}`);
    if (body === undefined)
      throw new NotFound({ message: 'NotFound', $metadata: {} });
    return { ETag: `"${createHash('md5').update(body).digest('hex')}"` };
  });
  s3.on(PutObjectCommand).callsFake(input => {
    objects.set(`${input.Bucket}/${input.Key}`, input.Body);
    return {};
  });
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
  return { jobs, objects };
}

beforeEach(() => {
  glue.reset();
  s3.reset();
  sts.reset();
});

describe('datalake:glue:job:create', () => {
  it('runs the example: renders, uploads and creates Glue 5.0 jobs with the role and workers from config', async () => {
    const { objects } = fakeAws();
    const action = createGlueJobCreateAction(mockedOptions());
    const ctx = actionContext(exampleInputs(examples[0].example)[0]);
    await action.handler(ctx as any);

    const names = glue
      .commandCalls(CreateJobCommand)
      .map(c => c.args[0].input.Name);
    expect(names).toEqual([
      'datalake-sakila-bronze-film',
      'datalake-sakila-bronze-language',
      'datalake-sakila-silver-film',
      'datalake-sakila-silver-language',
      'datalake-sakila-maintenance-film',
      'datalake-sakila-maintenance-language',
    ]);
    const bronze = glue.commandCalls(CreateJobCommand)[0].args[0].input;
    expect(bronze).toMatchObject({
      Role: GLUE_ROLE,
      GlueVersion: '5.0',
      WorkerType: 'G.2X',
      NumberOfWorkers: 4,
      MaxRetries: 0,
      Command: {
        Name: 'glueetl',
        ScriptLocation:
          's3://datalake-scripts/jobs/datalake-sakila/datalake-sakila-bronze-film.py',
        PythonVersion: '3',
      },
      Tags: { 'datalake.source': 'sakila', 'datalake.layer': 'bronze' },
    });
    expect(bronze.DefaultArguments).toMatchObject({
      '--datalake-formats': 'iceberg',
      '--catalog': 'glue_catalog',
      '--landing_path': 's3://lake-landing/landing/sakila',
    });
    expect(bronze.DefaultArguments!['--conf']).toBe(
      'spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions' +
        ' --conf spark.sql.catalog.glue_catalog=org.apache.iceberg.spark.SparkCatalog' +
        ' --conf spark.sql.catalog.glue_catalog.warehouse=s3://datalake-silver/' +
        ' --conf spark.sql.catalog.glue_catalog.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog' +
        ' --conf spark.sql.catalog.glue_catalog.io-impl=org.apache.iceberg.aws.s3.S3FileIO',
    );
    const maintenance = glue.commandCalls(CreateJobCommand)[4].args[0].input;
    expect(maintenance.DefaultArguments).toMatchObject({
      '--snapshot_retention_days': '7',
      '--orphan_file_retention_days': '3',
    });

    const script = objects.get(
      'datalake-scripts/jobs/datalake-sakila/datalake-sakila-silver-film.py',
    )!;
    expect(script).toContain('MERGE INTO');
    expect(script).toContain('daily_rate');
    expect(script).not.toMatch(/import\s+awsglue|from\s+awsglue/);
    expect(objects.size).toBe(6);
    const jobs = (ctx.output as jest.Mock).mock.calls.find(
      c => c[0] === 'jobs',
    )[1];
    expect(jobs[0]).toMatchObject({
      arn: 'arn:aws:glue:eu-west-1:111122223333:job/datalake-sakila-bronze-film',
      status: 'created',
      scriptUploaded: true,
    });
  });

  it('creates jobs on the Glue version the local Spark runtime is pinned to', async () => {
    // spark-templates/glue-runtime.env is what scripts/spark-runtime.sh installs and the Spark
    // tests run on; a job on another Glue version would run on Spark and Iceberg nobody tested.
    const pins = fs.readFileSync(
      path.resolve(
        __dirname,
        '../../../../../spark-templates/glue-runtime.env',
      ),
      'utf8',
    );
    const pinned = /^GLUE_VERSION=(.+)$/m.exec(pins)?.[1];
    expect(pinned).toBeDefined();
    fakeAws();
    const action = createGlueJobCreateAction(mockedOptions());
    await action.handler(
      actionContext(exampleInputs(examples[0].example)[0]) as any,
    );
    const versions = new Set(
      glue.commandCalls(CreateJobCommand).map(c => c.args[0].input.GlueVersion),
    );
    expect([...versions]).toEqual([pinned]);
  });

  it('changes nothing when scripts and jobs are already as rendered', async () => {
    fakeAws();
    const action = createGlueJobCreateAction(mockedOptions());
    const input = exampleInputs(examples[0].example)[0];
    await action.handler(actionContext(input) as any);

    glue.resetHistory();
    s3.resetHistory();
    const ctx = actionContext(input);
    await action.handler(ctx as any);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(glue.commandCalls(CreateJobCommand)).toHaveLength(0);
    expect(glue.commandCalls(UpdateJobCommand)).toHaveLength(0);
    const jobs = (ctx.output as jest.Mock).mock.calls.find(
      c => c[0] === 'jobs',
    )[1];
    expect(jobs.map((j: any) => j.status)).toEqual(Array(6).fill('unchanged'));
  });

  it('converges a job whose definition changed in config, and re-uploads a changed script', async () => {
    const { objects } = fakeAws();
    const input = {
      sourceId: 'sakila',
      inspection: sakilaInspection(),
      tables: ['actor'],
    };
    await createGlueJobCreateAction(mockedOptions()).handler(
      actionContext(input) as any,
    );
    objects.set(
      'datalake-scripts/jobs/datalake-sakila/datalake-sakila-bronze-actor.py',
      'print("edited by hand")',
    );

    glue.resetHistory();
    s3.resetHistory();
    const bigger = testPipelineConfig({
      glue: { roleArn: GLUE_ROLE, workerType: 'G.4X', numberOfWorkers: 10 },
    });
    await createGlueJobCreateAction(mockedOptions(bigger)).handler(
      actionContext(input) as any,
    );
    const updates = glue
      .commandCalls(UpdateJobCommand)
      .map(c => c.args[0].input);
    expect(updates.map(u => u.JobName)).toEqual([
      'datalake-sakila-bronze-actor',
      'datalake-sakila-silver-actor',
    ]);
    expect(updates[0].JobUpdate).toMatchObject({
      WorkerType: 'G.4X',
      NumberOfWorkers: 10,
      GlueVersion: '5.0',
    });
    expect(
      s3.commandCalls(PutObjectCommand).map(c => c.args[0].input.Key),
    ).toEqual(['jobs/datalake-sakila/datalake-sakila-bronze-actor.py']);
  });

  it('renders but makes no AWS call in a dry run', async () => {
    const action = createGlueJobCreateAction(mockedOptions());
    const ctx = actionContext(exampleInputs(examples[0].example)[0], true);
    await action.handler(ctx as any);
    expect(glue.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
    expect(ctx.output).toHaveBeenCalledWith(
      'jobNames',
      expect.arrayContaining(['datalake-sakila-silver-film']),
    );
  });

  it('fails clearly when the templates folder is missing', async () => {
    const config = testPipelineConfig({
      sparkTemplatesDir: '/nonexistent/spark-templates',
    });
    const action = createGlueJobCreateAction(mockedOptions(config));
    await expect(
      action.handler(
        actionContext({
          sourceId: 'sakila',
          inspection: sakilaInspection(),
          tables: ['actor'],
        }) as any,
      ),
    ).rejects.toThrow(/ENOENT/);
    expect(glue.calls()).toHaveLength(0);
  });
});
