import {
  CreateJobCommand,
  GetJobCommand,
  GlueClient,
  UpdateJobCommand,
} from '@aws-sdk/client-glue';
import {
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  loadSparkTemplates,
  renderSparkJob,
} from '@datalake-portal/backstage-plugin-datalake-node';
import { DATALAKE_TABLE_PARAMETERS } from '@datalake-portal/backstage-plugin-datalake-common';
import { createHash } from 'node:crypto';
import {
  accountIdOf,
  callAws,
  differingFields,
  findAws,
  PipelineActionOptions,
} from './actionSupport';
import { examples } from './createGlueJobs.examples';
import { assertPipelineGoldSql } from './goldSqlScope';
import { PipelineConfig, requirePipelineConfig } from './pipelineConfig';
import { pipelineInputFields } from './pipelineInputSchema';
import {
  jobDefinition,
  PipelineJob,
  pipelineJobs,
  scriptLocation,
} from './pipelineJobs';
import {
  PipelineInput,
  ResolvedPipeline,
  resolvePipeline,
} from './pipelineSpecs';

type JobOutcome = {
  name: string;
  kind: string;
  layer: string;
  table: string;
  arn: string;
  scriptLocation: string;
  status: 'created' | 'updated' | 'unchanged';
  scriptUploaded: boolean;
};

/** Uploads the script unless the object already holds exactly this text (single-part ETag = MD5). */
async function ensureScript(
  s3: S3Client,
  location: { bucket: string; key: string },
  script: string,
): Promise<boolean> {
  const md5 = createHash('md5').update(script).digest('hex');
  const head = await findAws(() =>
    s3.send(
      new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }),
    ),
  );
  if (head?.ETag?.replace(/"/g, '') === md5) {
    return false;
  }
  await callAws(() =>
    s3.send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        Body: script,
        ContentType: 'text/x-python',
      }),
    ),
  );
  return true;
}

async function ensureJob(
  glue: GlueClient,
  job: PipelineJob,
  config: PipelineConfig,
  pipeline: ResolvedPipeline,
): Promise<JobOutcome['status']> {
  const definition = jobDefinition(job, config, pipeline);
  const found = (
    await findAws(() => glue.send(new GetJobCommand({ JobName: job.name })))
  )?.Job;
  if (!found) {
    try {
      await callAws(() =>
        glue.send(
          new CreateJobCommand({
            Name: job.name,
            ...definition,
            Tags: {
              [DATALAKE_TABLE_PARAMETERS.source]: pipeline.sourceId,
              [DATALAKE_TABLE_PARAMETERS.pipeline]: pipeline.pipelineName,
              [DATALAKE_TABLE_PARAMETERS.layer]: job.layer,
            },
          }),
        ),
      );
      return 'created';
    } catch (error) {
      // Created by a concurrent run since our read: converge it below like any existing job.
      if ((error as Error).name !== 'ConflictError') throw error;
    }
  }
  const current =
    found ??
    (await callAws(() => glue.send(new GetJobCommand({ JobName: job.name }))))
      .Job!;
  const fields = differingFields(
    definition,
    current as Record<string, unknown>,
  );
  if (fields.length === 0) {
    return 'unchanged';
  }
  await callAws(() =>
    glue.send(
      new UpdateJobCommand({ JobName: job.name, JobUpdate: definition }),
    ),
  );
  return 'updated';
}

/**
 * `datalake:glue:job:create`: renders the Spark jobs of a source's pipeline from the templates,
 * uploads the scripts and creates the Glue 5.0 jobs. Converging: a job that exists with another
 * definition (e.g. new worker settings in config, a changed script location) is updated.
 *
 * @public
 */
export function createGlueJobCreateAction(options: PipelineActionOptions) {
  return createTemplateAction({
    id: 'datalake:glue:job:create',
    description:
      'Renders the landing → bronze, bronze → silver and silver → gold Spark jobs of a source from spark-templates, uploads the scripts to the scripts bucket and creates or updates the Glue 5.0 jobs (Iceberg, workers and role from datalake.pipeline). Converges: re-running with the same input changes nothing.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...pipelineInputFields,
        maintenance: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Also create one maintenance job (compaction, snapshot expiry) per table',
            ),
      },
      output: {
        jobNames: z =>
          z.array(z.string()).describe('The Glue job names, in pipeline order'),
        jobs: z =>
          z
            .array(
              z.object({
                name: z.string(),
                kind: z.string(),
                layer: z.string(),
                table: z.string(),
                arn: z.string(),
                scriptLocation: z.string(),
                status: z.enum(['created', 'updated', 'unchanged', 'dry-run']),
                scriptUploaded: z.boolean(),
              }),
            )
            .describe('Every job with its ARN, script and what this run did'),
      },
    },
    async handler(ctx) {
      const config = requirePipelineConfig(options.pipeline);
      const pipeline = resolvePipeline(ctx.input as PipelineInput, config);
      // The gold plan checked the SQL, but a pipeline input can be written by hand: check again.
      assertPipelineGoldSql(pipeline, config);
      const jobs = pipelineJobs(pipeline, {
        maintenance: ctx.input.maintenance,
      });
      const templates = await loadSparkTemplates(config.sparkTemplatesDir);
      // Rendered before any call, so that a spec the generator refuses fails the step up front.
      const scripts = new Map(
        jobs.map(job => [
          job.name,
          renderSparkJob(job.kind, job.spec, templates),
        ]),
      );
      ctx.output(
        'jobNames',
        jobs.map(j => j.name),
      );

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would ensure Glue jobs ${jobs.map(j => j.name).join(', ')}`,
        );
        ctx.output(
          'jobs',
          jobs.map(job => ({
            name: job.name,
            kind: job.kind,
            layer: job.layer,
            table: job.table,
            arn: `dry-run:${job.name}`,
            scriptLocation: scriptLocation(config, pipeline, job).uri,
            status: 'dry-run' as const,
            scriptUploaded: false,
          })),
        );
        return;
      }

      const glue = await options.aws.glue();
      const s3 = await options.aws.s3();
      const region = await glue.config.region();
      const outcomes: JobOutcome[] = [];
      for (const job of jobs) {
        const location = scriptLocation(config, pipeline, job);
        const outcome = await ctx.checkpoint({
          key: `datalake-glue-job-${job.name}`,
          fn: async (): Promise<JobOutcome> => {
            const scriptUploaded = await ensureScript(
              s3,
              location,
              scripts.get(job.name)!,
            );
            const status = await ensureJob(glue, job, config, pipeline);
            ctx.logger.info(
              `Glue job ${job.name}: ${status}${
                scriptUploaded ? ', script uploaded' : ''
              }`,
            );
            return {
              name: job.name,
              kind: job.kind,
              layer: job.layer,
              table: job.table,
              arn: '',
              scriptLocation: location.uri,
              status,
              scriptUploaded,
            };
          },
        });
        outcomes.push(outcome);
      }
      const accountId = await accountIdOf(options);
      ctx.output(
        'jobs',
        outcomes.map(o => ({
          ...o,
          arn: `arn:aws:glue:${region}:${accountId}:job/${o.name}`,
        })),
      );
    },
  });
}
