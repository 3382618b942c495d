/*
 * Every data lake scaffolder action, as the portal registers it, runs behind the same guard: the
 * task's initiator must be allowed the source's pipeline (its owners and admins), an `owner` input
 * must be theirs (unless an admin), and an inspection report must be one the inspect step sealed
 * in this backend for that source. The action factories stay free of it, so that tools that hold
 * AWS credentials themselves (the demo seed) and the actions' own tests run them directly.
 */
import { InputError } from '@backstage/errors';
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
  guard: { access: PipelineActionAccess; seal: InspectionSeal },
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
      await guard.access.authorizeSource(credentials, sourceId);
      if (input.owner !== undefined) {
        await guard.access.authorizeOwner(credentials, String(input.owner));
      }
      let guarded: ActionContext<any, any, any> = ctx;
      if (input.inspection !== undefined) {
        if (!input.inspection || typeof input.inspection !== 'object') {
          throw new InputError('inspection must be the inspect step’s report');
        }
        guarded = {
          ...guarded,
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
        guarded = {
          ...guarded,
          output: (name: string, value: any) =>
            ctx.output(
              name,
              name === 'report' ? guard.seal.seal(sourceId, value) : value,
            ),
        };
      }
      return action.handler(guarded);
    },
  }));
}
