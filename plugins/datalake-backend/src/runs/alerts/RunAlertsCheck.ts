/*
 * The scheduled alert check: a failed (or timed-out, aborted) pipeline execution and a table past
 * its freshness SLA (annotation `datalake-portal.io/freshness-sla`) notify the owning groups
 * through the notifications service, once per incident. An execution is one incident; a stale
 * table is one incident per last data change, so it alerts again only after the data changed and
 * went stale anew. Executions older than the lookback are ignored, so that a new deployment does
 * not notify about last month's failures.
 */
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { assertError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  FRESHNESS_SLA_ANNOTATION,
  parseFreshnessSla,
  TABLE_ENTITY_TYPES,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { LastDataChangeReader } from '../../lineage/LineageService';
import { AwsStatusReader } from '../AwsStatusReader';
import { RunStatusService } from '../RunStatusService';
import { AlertIncident, AlertIncidentStore } from './AlertIncidentStore';

/** Topics of the notifications, for users' notification settings. @public */
export const ALERT_TOPICS = {
  executionFailed: 'datalake-pipeline-failed',
  freshness: 'datalake-freshness-sla',
} as const;

const FAILED_EXECUTION_STATUSES = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/** What one check did. @public */
export interface AlertCheckResult {
  notified: AlertIncident[];
  errors: string[];
}

/** @public */
export class RunAlertsCheck {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      aws: AwsStatusReader;
      runs: RunStatusService;
      store: AlertIncidentStore;
      notifications: NotificationService;
      logger: LoggerService;
      lastDataChange?: LastDataChangeReader;
      /** Executions that stopped longer ago than this are ignored. */
      lookbackMs: number;
      now?: () => Date;
    },
  ) {}

  async run(): Promise<AlertCheckResult> {
    const { catalog, auth } = this.options;
    const now = (this.options.now ?? (() => new Date()))();
    const credentials = await auth.getOwnServiceCredentials();
    const { items } = await catalog.getEntities(
      {
        filter: {
          kind: 'resource',
          'spec.type': Object.values(TABLE_ENTITY_TYPES),
        },
      },
      { credentials },
    );
    const result: AlertCheckResult = { notified: [], errors: [] };

    // Owners of each pipeline's tables: the groups a failed execution concerns.
    const pipelineOwners = new Map<string, Set<string>>();
    const pipelineTable = new Map<string, string>();
    for (const entity of items) {
      const targets = await this.options.runs.resolveTargets([entity]);
      const owner = ownerOf(entity);
      for (const pipeline of targets.pipelines) {
        if (!pipelineOwners.has(pipeline)) {
          pipelineOwners.set(pipeline, new Set());
          pipelineTable.set(pipeline, refOf(entity));
        }
        if (owner) pipelineOwners.get(pipeline)!.add(owner);
      }
    }

    for (const [pipeline, owners] of pipelineOwners) {
      try {
        await this.checkPipeline(
          pipeline,
          [...owners],
          pipelineTable.get(pipeline)!,
          now,
          result,
        );
      } catch (e) {
        assertError(e);
        result.errors.push(`${pipeline}: ${e.message}`);
      }
    }
    for (const entity of items) {
      try {
        await this.checkFreshness(entity, now, result);
      } catch (e) {
        assertError(e);
        result.errors.push(`${refOf(entity)}: ${e.message}`);
      }
    }
    for (const error of result.errors) {
      this.options.logger.warn(`Run alert check: ${error}`);
    }
    return result;
  }

  private async checkPipeline(
    pipeline: string,
    owners: string[],
    entityRef: string,
    now: Date,
    result: AlertCheckResult,
  ) {
    const { aws } = this.options;
    const arn = await aws.stateMachineArn(pipeline);
    if (!arn || owners.length === 0) return;
    for (const execution of await aws.executions(arn)) {
      if (!FAILED_EXECUTION_STATUSES.has(execution.status)) continue;
      const stoppedAt = Date.parse(
        execution.stopDate ?? execution.startDate ?? '',
      );
      if (!(now.getTime() - stoppedAt <= this.options.lookbackMs)) continue;
      const incident: AlertIncident = {
        key: `execution:${execution.executionArn}`,
        kind: 'execution-failed',
        entityRef,
      };
      await this.notifyOnce(incident, now, result, async () => {
        const failure = await aws.executionFailure(execution.executionArn);
        const where = failure.failedState ? ` in ${failure.failedState}` : '';
        await this.options.notifications.send({
          recipients: { type: 'entity', entityRef: owners },
          payload: {
            title: `Pipeline ${pipeline} ${execution.status
              .toLowerCase()
              .replace('_', ' ')}${where}`,
            description: [
              `Execution ${execution.name}`,
              failure.error,
              failure.cause,
            ]
              .filter(Boolean)
              .join(': ')
              .slice(0, 1000),
            link: entityRunsLink(entityRef),
            severity: 'high',
            topic: ALERT_TOPICS.executionFailed,
          },
        });
      });
    }
  }

  private async checkFreshness(
    entity: Entity,
    now: Date,
    result: AlertCheckResult,
  ) {
    const slaMs = parseFreshnessSla(
      entity.metadata.annotations?.[FRESHNESS_SLA_ANNOTATION],
    );
    const owner = ownerOf(entity);
    const read = this.options.lastDataChange;
    if (!slaMs || !owner || !read) return;
    const ref = refOf(entity);
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const lastChange = await read(ref, credentials);
    const age = lastChange ? now.getTime() - Date.parse(lastChange) : Infinity;
    if (age <= slaMs) return;
    const incident: AlertIncident = {
      key: `stale:${ref}:${lastChange ?? 'never'}`,
      kind: 'freshness-sla',
      entityRef: ref,
    };
    const sla = entity.metadata.annotations![FRESHNESS_SLA_ANNOTATION];
    await this.notifyOnce(incident, now, result, () =>
      this.options.notifications.send({
        recipients: { type: 'entity', entityRef: owner },
        payload: {
          title: `${
            entity.metadata.title ?? entity.metadata.name
          } is past its freshness SLA (${sla})`,
          description: lastChange
            ? `Last data change ${lastChange}`
            : 'The table has no data change yet',
          link: entityRunsLink(ref),
          severity: 'normal',
          topic: ALERT_TOPICS.freshness,
        },
      }),
    );
  }

  private async notifyOnce(
    incident: AlertIncident,
    now: Date,
    result: AlertCheckResult,
    send: () => Promise<void>,
  ) {
    if (!(await this.options.store.claim(incident, now))) return;
    try {
      await send();
      result.notified.push(incident);
    } catch (e) {
      // Not sent: forget the claim, so that the next check tries again.
      await this.options.store.release(incident.key);
      throw e;
    }
  }
}

function ownerOf(entity: Entity): string | undefined {
  const owner = entity.spec?.owner;
  return typeof owner === 'string' ? owner : undefined;
}

function refOf(entity: Entity): string {
  return stringifyEntityRef(entity);
}

function entityRunsLink(entityRef: string): string {
  const [kind, rest] = entityRef.split(':');
  const [namespace, name] = rest.split('/');
  return `/catalog/${namespace}/${kind}/${name}/runs`;
}
