/*
 * State machine operations: create (idempotent on an identical definition, as AWS), update,
 * describe, list, delete, and the tag operations.
 */
import { randomUUID } from 'crypto';
import { AwsError, ServiceContext } from '../../core/types';
import { parseDefinition } from './asl';
import { requireStateMachineArn, stateMachineArn, validateName } from './arns';
import { paginate } from './pagination';
import { epochSeconds, StateMachineRecord, stateMachines, Tag } from './store';

const DEFAULT_LOGGING = { level: 'OFF', includeExecutionData: false };
const DEFAULT_TRACING = { enabled: false };

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function requireRoleArn(roleArn: unknown): string {
  if (
    typeof roleArn !== 'string' ||
    !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(roleArn)
  ) {
    throw new AwsError(
      'InvalidArn',
      `Invalid Arn: 'Role ARN is not valid: ${String(roleArn)}'`,
    );
  }
  return roleArn;
}

export function getStateMachine(
  ctx: ServiceContext,
  arn: unknown,
): StateMachineRecord {
  const record = stateMachines(ctx).get(requireStateMachineArn(arn));
  if (!record) {
    throw new AwsError(
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${arn}'`,
    );
  }
  return record;
}

function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const byKey = new Map(existing.map(t => [t.key, t]));
  for (const tag of added) {
    byKey.set(tag.key, { key: tag.key, value: tag.value ?? '' });
  }
  return [...byKey.values()];
}

export function createStateMachine(input: any, ctx: ServiceContext) {
  const name = validateName(input.name, 'state machine');
  parseDefinition(input.definition);
  const roleArn = requireRoleArn(input.roleArn);
  const type = input.type ?? 'STANDARD';
  if (type !== 'STANDARD' && type !== 'EXPRESS') {
    throw new AwsError(
      'ValidationException',
      `Value '${type}' at 'type' failed to satisfy constraint`,
    );
  }
  const arn = stateMachineArn(ctx, name);
  const loggingConfiguration = input.loggingConfiguration ?? DEFAULT_LOGGING;
  const tracingConfiguration = input.tracingConfiguration ?? DEFAULT_TRACING;
  const existing = stateMachines(ctx).get(arn);
  if (existing) {
    // AWS treats a repeat with the same name, definition, type and configuration as the same
    // request and returns the existing machine; role and tags of the repeat are ignored.
    if (
      existing.definition === input.definition &&
      existing.type === type &&
      same(existing.loggingConfiguration, loggingConfiguration) &&
      same(existing.tracingConfiguration, tracingConfiguration)
    ) {
      return { stateMachineArn: arn, creationDate: existing.creationDate };
    }
    throw new AwsError(
      'StateMachineAlreadyExists',
      `State Machine Already Exists: '${arn}'`,
    );
  }
  const record: StateMachineRecord = {
    stateMachineArn: arn,
    name,
    definition: input.definition,
    roleArn,
    type,
    loggingConfiguration,
    tracingConfiguration,
    creationDate: epochSeconds(ctx),
    revisionId: randomUUID(),
    tags: mergeTags([], input.tags ?? []),
  };
  stateMachines(ctx).put(arn, record);
  return { stateMachineArn: arn, creationDate: record.creationDate };
}

export function updateStateMachine(input: any, ctx: ServiceContext) {
  const record = getStateMachine(ctx, input.stateMachineArn);
  if (
    input.definition === undefined &&
    input.roleArn === undefined &&
    input.loggingConfiguration === undefined &&
    input.tracingConfiguration === undefined
  ) {
    throw new AwsError(
      'MissingRequiredParameter',
      'Either the definition, the roleArn, the loggingConfiguration or the tracingConfiguration must be specified',
    );
  }
  if (input.definition !== undefined) {
    parseDefinition(input.definition);
  }
  const updated: StateMachineRecord = {
    ...record,
    definition: input.definition ?? record.definition,
    roleArn:
      input.roleArn !== undefined
        ? requireRoleArn(input.roleArn)
        : record.roleArn,
    loggingConfiguration:
      input.loggingConfiguration ?? record.loggingConfiguration,
    tracingConfiguration:
      input.tracingConfiguration ?? record.tracingConfiguration,
    updateDate: epochSeconds(ctx),
    revisionId: randomUUID(),
  };
  stateMachines(ctx).put(record.stateMachineArn, updated);
  return { updateDate: updated.updateDate, revisionId: updated.revisionId };
}

export function describeStateMachine(input: any, ctx: ServiceContext) {
  const record = getStateMachine(ctx, input.stateMachineArn);
  return {
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: 'ACTIVE',
    definition: record.definition,
    roleArn: record.roleArn,
    type: record.type,
    creationDate: record.creationDate,
    loggingConfiguration: record.loggingConfiguration,
    tracingConfiguration: record.tracingConfiguration,
    revisionId: record.revisionId,
  };
}

export function listStateMachines(input: any, ctx: ServiceContext) {
  const page = paginate(stateMachines(ctx).values(), {
    maxResults: input.maxResults,
    nextToken: input.nextToken,
    scope: 'stateMachines',
    defaultMax: 100,
  });
  return {
    stateMachines: page.items.map(r => ({
      stateMachineArn: r.stateMachineArn,
      name: r.name,
      type: r.type,
      creationDate: r.creationDate,
    })),
    nextToken: page.nextToken,
  };
}

/** Deleting is immediate here; executions already started keep running and stay describable. */
export function deleteStateMachine(input: any, ctx: ServiceContext) {
  const arn = requireStateMachineArn(input.stateMachineArn);
  stateMachines(ctx).delete(arn);
  return {};
}

function taggable(
  ctx: ServiceContext,
  resourceArn: unknown,
): StateMachineRecord {
  const record =
    typeof resourceArn === 'string'
      ? stateMachines(ctx).get(resourceArn)
      : undefined;
  if (!record) {
    throw new AwsError(
      'ResourceNotFound',
      `Resource not found: '${String(resourceArn)}'`,
    );
  }
  return record;
}

export function tagResource(input: any, ctx: ServiceContext) {
  const record = taggable(ctx, input.resourceArn);
  stateMachines(ctx).put(record.stateMachineArn, {
    ...record,
    tags: mergeTags(record.tags, input.tags ?? []),
  });
  return {};
}

export function untagResource(input: any, ctx: ServiceContext) {
  const record = taggable(ctx, input.resourceArn);
  const removed = new Set<string>(input.tagKeys ?? []);
  stateMachines(ctx).put(record.stateMachineArn, {
    ...record,
    tags: record.tags.filter(t => !removed.has(t.key)),
  });
  return {};
}

export function listTagsForResource(input: any, ctx: ServiceContext) {
  return { tags: taggable(ctx, input.resourceArn).tags };
}
