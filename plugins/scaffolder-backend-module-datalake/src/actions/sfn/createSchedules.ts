import {
  CreateScheduleCommand,
  CreateScheduleCommandInput,
  GetScheduleCommand,
  GetScheduleCommandOutput,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { validateScheduleExpression } from '@datalake-portal/backstage-plugin-datalake-common';
import {
  accountIdOf,
  callAws,
  differingFields,
  findAws,
  PipelineActionOptions,
} from '../glue/actionSupport';
import { PipelineConfig, requirePipelineConfig } from '../glue/pipelineConfig';
import { pipelineInputFields } from '../glue/pipelineInputSchema';
import { pipelineJobs } from '../glue/pipelineJobs';
import { PipelineInput, resolvePipeline } from '../glue/pipelineSpecs';
import { examples } from './createSchedules.examples';

/** The universal target that calls Glue StartJobRun (Scheduler User Guide, universal targets). */
export const GLUE_START_JOB_RUN_TARGET =
  'arn:aws:scheduler:::aws-sdk:glue:startJobRun';

type WantedSchedule = Omit<CreateScheduleCommandInput, 'ClientToken'> & {
  Name: string;
};

/** What the action ensures: the pipeline's schedule, then one maintenance schedule per job. */
export function wantedSchedules(
  pipeline: ReturnType<typeof resolvePipeline>,
  scheduler: NonNullable<PipelineConfig['scheduler']>,
  stateMachineArn: string,
  schedule: string | undefined,
): WantedSchedule[] {
  const common = {
    ScheduleExpressionTimezone: scheduler.timezone,
    // The runs are batch work with no second-level deadline; OFF keeps the time predictable.
    FlexibleTimeWindow: { Mode: 'OFF' as const },
    State: 'ENABLED' as const,
  };
  const wanted: WantedSchedule[] = [];
  if (schedule) {
    wanted.push({
      ...common,
      Name: pipeline.pipelineName,
      Description: `Runs the data lake pipeline ${pipeline.pipelineName}`,
      ScheduleExpression: schedule,
      Target: {
        Arn: stateMachineArn,
        RoleArn: scheduler.roleArn,
        Input: JSON.stringify({ trigger: 'schedule' }),
      },
    });
  }
  for (const job of pipelineJobs(pipeline, { maintenance: true })) {
    if (job.kind !== 'maintenance') continue;
    wanted.push({
      ...common,
      Name: job.name,
      Description: `Iceberg maintenance of ${job.table} and its silver and gold tables (pipeline ${pipeline.pipelineName})`,
      ScheduleExpression: scheduler.maintenanceSchedule,
      Target: {
        Arn: GLUE_START_JOB_RUN_TARGET,
        RoleArn: scheduler.roleArn,
        // A universal target's Input is the API request itself.
        Input: JSON.stringify({ JobName: job.name }),
      },
    });
  }
  return wanted;
}

/** The fields of a schedule the action owns, to compare what AWS has with what is wanted. */
function comparable(s: WantedSchedule | GetScheduleCommandOutput) {
  return {
    ScheduleExpression: s.ScheduleExpression,
    ScheduleExpressionTimezone: s.ScheduleExpressionTimezone ?? 'UTC',
    FlexibleTimeWindow: s.FlexibleTimeWindow,
    State: s.State,
    Description: s.Description,
    Target: {
      Arn: s.Target?.Arn,
      RoleArn: s.Target?.RoleArn,
      Input: s.Target?.Input,
    },
  };
}

async function ensureSchedule(
  client: SchedulerClient,
  wanted: WantedSchedule,
): Promise<{ arn: string; status: 'created' | 'updated' | 'unchanged' }> {
  const found = await findAws(() =>
    client.send(new GetScheduleCommand({ Name: wanted.Name })),
  );
  if (!found) {
    const created = await callAws(() =>
      client.send(new CreateScheduleCommand(wanted)),
    );
    return { arn: created.ScheduleArn!, status: 'created' };
  }
  if (differingFields(comparable(wanted), comparable(found)).length === 0) {
    return { arn: found.Arn!, status: 'unchanged' };
  }
  // UpdateSchedule replaces the whole schedule, so it is sent in full.
  const updated = await callAws(() =>
    client.send(new UpdateScheduleCommand(wanted)),
  );
  return { arn: updated.ScheduleArn!, status: 'updated' };
}

/**
 * `datalake:scheduler:schedule:create`: the EventBridge Scheduler schedules of a source's
 * pipeline: one that starts the state machine on the pipeline's schedule, and a daily one per
 * maintenance job that calls Glue StartJobRun. Target role, maintenance time and time zone come
 * from `datalake.pipeline.scheduler`, the state machine from the pipeline's name. Converging.
 *
 * @public
 */
export function createSchedulerScheduleCreateAction(
  options: PipelineActionOptions,
) {
  return createTemplateAction({
    id: 'datalake:scheduler:schedule:create',
    description:
      "Creates or updates the EventBridge Scheduler schedules of a source pipeline: the pipeline's schedule (states:StartExecution of its state machine) and a daily schedule per maintenance job (glue:startJobRun universal target); role, maintenance time and time zone from datalake.pipeline.scheduler. Converges.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...pipelineInputFields,
        schedule: z =>
          z
            .string()
            .optional()
            .describe(
              'EventBridge Scheduler expression of the pipeline, e.g. cron(0 2 * * ? *); no pipeline schedule when absent',
            ),
      },
      output: {
        scheduleArn: z =>
          z.string().describe("The pipeline schedule's ARN, empty when none"),
        scheduleName: z =>
          z.string().describe("The pipeline schedule's name, empty when none"),
        schedules: z =>
          z
            .array(
              z.object({
                name: z.string(),
                arn: z.string(),
                expression: z.string(),
                target: z.string(),
                status: z.enum(['created', 'updated', 'unchanged', 'dry-run']),
              }),
            )
            .describe(
              'Every schedule, the pipeline first, and what this run did',
            ),
      },
    },
    async handler(ctx) {
      const schedule = ctx.input.schedule || undefined;
      const problem = schedule && validateScheduleExpression(schedule);
      if (problem) throw new InputError(problem);
      const config = requirePipelineConfig(options.pipeline);
      const scheduler = config.scheduler;
      if (!scheduler) {
        throw new InputError(
          'datalake.pipeline.scheduler.roleArn is not configured',
        );
      }
      const maintenanceProblem = validateScheduleExpression(
        scheduler.maintenanceSchedule,
      );
      if (maintenanceProblem) {
        throw new InputError(
          `datalake.pipeline.scheduler.maintenanceSchedule: ${maintenanceProblem}`,
        );
      }
      const pipeline = resolvePipeline(ctx.input as PipelineInput, config);
      const name = pipeline.pipelineName;

      if (ctx.isDryRun) {
        const wanted = wantedSchedules(
          pipeline,
          scheduler,
          `dry-run:${name}`,
          schedule,
        );
        ctx.output('scheduleArn', schedule ? `dry-run:${name}` : '');
        ctx.output('scheduleName', schedule ? name : '');
        ctx.output(
          'schedules',
          wanted.map(w => ({
            name: w.Name,
            arn: `dry-run:${w.Name}`,
            expression: w.ScheduleExpression!,
            target: w.Target!.Arn!,
            status: 'dry-run' as const,
          })),
        );
        return;
      }
      if (!options.aws.scheduler) {
        throw new InputError('No EventBridge Scheduler client is configured');
      }
      const client = await options.aws.scheduler();
      const sfn = await options.aws.stepFunctions();
      const region = await sfn.config.region();
      // The state machine the pipeline action created under the pipeline's name.
      const stateMachineArn = `arn:aws:states:${region}:${await accountIdOf(
        options,
      )}:stateMachine:${name}`;
      const wanted = wantedSchedules(
        pipeline,
        scheduler,
        stateMachineArn,
        schedule,
      );
      const results = [];
      for (const w of wanted) {
        const result = await ctx.checkpoint({
          key: `datalake-schedule-${w.Name}`,
          fn: () => ensureSchedule(client, w),
        });
        ctx.logger.info(
          `Schedule ${w.Name} (${w.ScheduleExpression} → ${w.Target!.Arn}): ${
            result.status
          }`,
        );
        results.push({
          name: w.Name,
          arn: result.arn,
          expression: w.ScheduleExpression!,
          target: w.Target!.Arn!,
          status: result.status,
        });
      }
      const own = schedule ? results[0] : undefined;
      ctx.output('scheduleArn', own?.arn ?? '');
      ctx.output('scheduleName', own?.name ?? '');
      ctx.output('schedules', results);
    },
  });
}
