import {
  CreateStateMachineCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  SFNClient,
  StateMachineListItem,
  TagResourceCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DATALAKE_TABLE_PARAMETERS,
  validateScheduleExpression,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { callAws, differingFields } from '../glue/actionSupport';
import { PipelineActionOptions } from '../glue/actionSupport';
import { requirePipelineConfig } from '../glue/pipelineConfig';
import { pipelineInputFields } from '../glue/pipelineInputSchema';
import { pipelineJobs } from '../glue/pipelineJobs';
import { PipelineInput, resolvePipeline } from '../glue/pipelineSpecs';
import { examples } from './createPipeline.examples';
import { buildPipelineDefinition } from './pipelineDefinition';

/** The tag holding the schedule: base64url, since tag values cannot hold `( ) * ?`. @public */
export const SCHEDULE_TAG = 'datalake.schedule';

/** Encodes a schedule expression for {@link SCHEDULE_TAG}. @public */
export function encodeScheduleTag(schedule: string): string {
  return Buffer.from(schedule, 'utf8').toString('base64url');
}

/** The shape, for the template's JSON schema; the handler checks the grammar itself. */
const SCHEDULE = /^(cron|rate)\([0-9A-Za-z*?,/#\- ]+\)$/;

async function findStateMachine(
  sfn: SFNClient,
  name: string,
): Promise<StateMachineListItem | undefined> {
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const page = await callAws(() =>
      sfn.send(
        new ListStateMachinesCommand({ maxResults: 1000, nextToken: token }),
      ),
    );
    const found = page.stateMachines?.find(m => m.name === name);
    if (found) return found;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

/**
 * `datalake:sfn:pipeline:create`: creates the Step Functions state machine that runs a source's
 * Glue jobs (bronze, then silver, then gold). Converging: a state machine of that name with another
 * definition or role is updated to this one.
 *
 * @public
 */
export function createSfnPipelineCreateAction(options: PipelineActionOptions) {
  return createTemplateAction({
    id: 'datalake:sfn:pipeline:create',
    description:
      'Creates or updates the Step Functions state machine of a source pipeline: a glue:startJobRun.sync task per table and layer (bronze jobs in parallel, then silver, then gold), retries on Glue concurrency and throttling errors, failures caught into a Fail state; role from datalake.pipeline. Records the schedule (datalake:scheduler:schedule:create creates it). Converges.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...pipelineInputFields,
        schedule: z =>
          z
            .string()
            .regex(SCHEDULE)
            .optional()
            .describe(
              'EventBridge Scheduler expression, e.g. cron(0 2 * * ? *) or rate(1 hour)',
            ),
      },
      output: {
        stateMachineArn: z => z.string(),
        stateMachineName: z => z.string(),
        status: z => z.enum(['created', 'updated', 'unchanged', 'dry-run']),
        schedule: z =>
          z.string().describe('The schedule expression, empty when none'),
        definition: z => z.string().describe('The ASL definition'),
      },
    },
    async handler(ctx) {
      const schedule = ctx.input.schedule;
      // First of all: the schedule goes into the definition, a tag and a logged command line.
      const scheduleProblem =
        schedule === undefined
          ? undefined
          : validateScheduleExpression(schedule);
      if (scheduleProblem) throw new InputError(scheduleProblem);
      const config = requirePipelineConfig(options.pipeline);
      const pipeline = resolvePipeline(ctx.input as PipelineInput, config);
      const definition = JSON.stringify(
        buildPipelineDefinition(
          pipeline.pipelineName,
          pipelineJobs(pipeline),
          config.stepFunctions,
          schedule,
        ),
      );
      const tags = [
        { key: DATALAKE_TABLE_PARAMETERS.source, value: pipeline.sourceId },
        ...(schedule
          ? [{ key: SCHEDULE_TAG, value: encodeScheduleTag(schedule) }]
          : []),
      ];
      const name = pipeline.pipelineName;
      ctx.output('stateMachineName', name);
      ctx.output('schedule', schedule ?? '');
      ctx.output('definition', definition);

      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would ensure state machine ${name}`);
        ctx.output('stateMachineArn', `dry-run:${name}`);
        ctx.output('status', 'dry-run');
        return;
      }

      const sfn = await options.aws.stepFunctions();
      const roleArn = config.stepFunctions.roleArn;
      const result = await ctx.checkpoint({
        key: `datalake-sfn-pipeline-${name}`,
        fn: async () => {
          const found = await findStateMachine(sfn, name);
          if (!found) {
            const created = await callAws(() =>
              sfn.send(
                new CreateStateMachineCommand({
                  name,
                  type: 'STANDARD',
                  definition,
                  roleArn,
                  tags,
                }),
              ),
            );
            return {
              arn: created.stateMachineArn!,
              status: 'created' as const,
            };
          }
          const arn = found.stateMachineArn!;
          const described = await callAws(() =>
            sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn })),
          );
          const fields = differingFields(
            { definition: JSON.parse(definition), roleArn },
            {
              definition: JSON.parse(described.definition ?? 'null'),
              roleArn: described.roleArn,
            },
          );
          if (fields.length === 0) {
            return { arn, status: 'unchanged' as const };
          }
          await callAws(() =>
            sfn.send(
              new UpdateStateMachineCommand({
                stateMachineArn: arn,
                definition,
                roleArn,
              }),
            ),
          );
          await callAws(() =>
            sfn.send(new TagResourceCommand({ resourceArn: arn, tags })),
          );
          return { arn, status: 'updated' as const };
        },
      });
      ctx.logger.info(`State machine ${name}: ${result.status}`);
      if (schedule) {
        ctx.logger.info(
          `Schedule ${schedule} is recorded on the state machine; datalake:scheduler:schedule:create creates the EventBridge schedule that starts it`,
        );
      }
      ctx.output('stateMachineArn', result.arn);
      ctx.output('status', result.status);
    },
  });
}
