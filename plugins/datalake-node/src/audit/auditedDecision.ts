/*
 * One way for the data lake's decisions to reach Backstage's auditor service: who (the actor,
 * also when there is no HTTP request to read it from, as in scaffolder actions, the actions
 * registry and scheduled jobs), what (the event id and its meta), and the outcome (success with
 * what came of it, or failure with the error). The product's own audit table stays beside it,
 * for the UI.
 */
import {
  AuditorService,
  AuditorServiceCreateEventOptions,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';

type JsonObject = NonNullable<AuditorServiceCreateEventOptions['meta']>;

/** The actor of a decision, for the audit: a user entity ref, a service subject, or `none`. @public */
export function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user') return principal.userEntityRef!;
  if (principal.type === 'service') return principal.subject!;
  return 'none';
}

/** @public */
export type AuditedDecision = {
  /** Kebab-case, without the plugin id (the auditor adds it). */
  eventId: string;
  actor: string;
  meta?: JsonObject;
  severityLevel?: AuditorServiceCreateEventOptions['severityLevel'];
  request?: AuditorServiceCreateEventOptions['request'];
};

/**
 * Runs a decision inside an auditor event: success with `outcome(result)` as meta, or failure
 * with the error (which is thrown on). Refusals are failures too, and so is a result that
 * `failure(result)` names an error for (a decision that ended in a failed state without
 * throwing, such as a grant Lake Formation refused).
 *
 * @public
 */
export async function audited<T>(
  auditor: AuditorService,
  decision: AuditedDecision,
  run: () => Promise<T>,
  outcome?: (result: T) => JsonObject,
  failure?: (result: T) => Error | undefined,
): Promise<T> {
  const event = await auditor.createEvent({
    eventId: decision.eventId,
    severityLevel: decision.severityLevel,
    request: decision.request,
    meta: { actor: decision.actor, ...decision.meta },
  });
  let result: T;
  try {
    result = await run();
  } catch (error) {
    await event.fail({ error: error as Error });
    throw error;
  }
  const failed = failure?.(result);
  if (failed) {
    await event.fail({ error: failed, meta: outcome?.(result) });
  } else {
    await event.success(outcome ? { meta: outcome(result) } : undefined);
  }
  return result;
}
