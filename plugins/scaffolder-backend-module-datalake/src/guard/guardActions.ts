/*
 * Every data lake scaffolder action, as the portal registers it, runs behind the same guard: the
 * task's initiator must be allowed the source's pipeline (its owners and admins), an `owner` input
 * must be theirs (unless an admin), and an inspection report must be one the inspect step sealed
 * in this backend for that source. Each run, allowed or refused, is an auditor event with who ran
 * it, for which source, and what it created or changed (its outputs). The action factories stay
 * free of it, so that tools that hold
 * AWS credentials themselves (the demo seed) and the actions' own tests run them directly.
 */
import {
  AuditorService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  actorOf,
  audited,
} from '@datalake-portal/backstage-plugin-datalake-node';
import {
  ActionContext,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { InspectionSeal } from './inspectionSeal';
import { PipelineActionAccess } from './pipelineActionAccess';

/** The action whose `report` output is sealed. */
const INSPECT_ACTION_ID = 'datalake:mysql:source:inspect';

/**
 * The actions with the guard in front of their handlers.
 *
 * @public
 */
export function guardPipelineActions(
  actions: TemplateAction<any, any, any>[],
  guard: {
    access: PipelineActionAccess;
    seal: InspectionSeal;
    auditor: AuditorService;
  },
): TemplateAction<any, any, any>[] {
  return actions.map(action => ({
    ...action,
    async handler(ctx: ActionContext<any, any, any>) {
      const input = ctx.input as Record<string, unknown>;
      const sourceId = input.sourceId;
      if (typeof sourceId !== 'string') {
        throw new InputError(`${action.id} needs a sourceId`);
      }
      const credentials = await ctx.getInitiatorCredentials();
      // What the action reports it made: names, ARNs and statuses; never the inspection report.
      const outputs: Record<string, string | string[]> = {};
      const recording: ActionContext<any, any, any> = {
        ...ctx,
        output: (name: string, value: any) => {
          if (name !== 'report' && typeof value === 'string') {
            outputs[name] = value;
          } else if (
            name !== 'report' &&
            Array.isArray(value) &&
            value.every(v => typeof v === 'string')
          ) {
            outputs[name] = value;
          }
          ctx.output(name, value);
        },
      };
      await audited(
        guard.auditor,
        {
          eventId: 'pipeline-resources',
          severityLevel: ctx.isDryRun ? 'low' : 'medium',
          actor: actorOf(credentials),
          meta: {
            actionId: action.id,
            sourceId,
            taskId: ctx.task?.id ?? null,
            dryRun: !!ctx.isDryRun,
            ...(typeof input.owner === 'string' ? { owner: input.owner } : {}),
          },
        },
        () => guarded(action, recording, input, sourceId, credentials, guard),
        () => ({ outputs }),
      );
    },
  }));
}

/** The checks in front of the handler, then the handler with an opened (or sealing) context. */
async function guarded(
  action: TemplateAction<any, any, any>,
  ctx: ActionContext<any, any, any>,
  input: Record<string, unknown>,
  sourceId: string,
  credentials: BackstageCredentials,
  guard: { access: PipelineActionAccess; seal: InspectionSeal },
): Promise<void> {
  await guard.access.authorizeSource(credentials, sourceId);
  if (input.owner !== undefined) {
    await guard.access.authorizeOwner(credentials, String(input.owner));
  }
  let next: ActionContext<any, any, any> = ctx;
  if (input.inspection !== undefined) {
    if (!input.inspection || typeof input.inspection !== 'object') {
      throw new InputError('inspection must be the inspect step’s report');
    }
    next = {
      ...next,
      input: {
        ...input,
        inspection: guard.seal.open(
          sourceId,
          input.inspection as Record<string, unknown>,
        ),
      },
    };
  }
  if (action.id === INSPECT_ACTION_ID) {
    next = {
      ...next,
      output: (name: string, value: any) =>
        ctx.output(
          name,
          name === 'report' ? guard.seal.seal(sourceId, value) : value,
        ),
    };
  }
  await action.handler(next);
}
