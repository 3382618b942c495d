/*
 * Execution operations. StartExecution stores a RUNNING record and launches the interpreter in
 * the background; everything else reads the persisted records and histories.
 */
import { randomUUID } from 'crypto';
import { AwsError, ServiceContext } from '../../core/types';
import {
  executionArn,
  requireExecutionArn,
  requireStateMachineArn,
  validateName,
} from './arns';
import { paginate } from './pagination';
import { abortExecution, launchExecution, registryFor } from './runner';
import { epochSeconds, ExecutionRecord, executions, histories } from './store';
import { getStateMachine } from './stateMachineOperations';

const STATUSES = new Set([
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
]);

function getExecution(ctx: ServiceContext, arn: unknown): ExecutionRecord {
  registryFor(ctx);
  const record = executions(ctx).get(requireExecutionArn(arn));
  if (!record) {
    throw new AwsError(
      'ExecutionDoesNotExist',
      `Execution Does Not Exist: '${arn}'`,
    );
  }
  return record;
}

export function startExecution(input: any, ctx: ServiceContext) {
  const machine = getStateMachine(ctx, input.stateMachineArn);
  const name = validateName(input.name ?? randomUUID(), 'execution');
  const executionInput = input.input ?? '{}';
  try {
    JSON.parse(executionInput);
  } catch (e) {
    throw new AwsError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${(e as Error).message}'`,
    );
  }
  registryFor(ctx);
  const arn = executionArn(machine.stateMachineArn, name);
  const existing = executions(ctx).get(arn);
  if (existing) {
    // A repeat of a running execution with the same input is the same request (standard workflows).
    if (existing.status === 'RUNNING' && existing.input === executionInput) {
      return { executionArn: arn, startDate: existing.startDate };
    }
    throw new AwsError(
      'ExecutionAlreadyExists',
      `Execution Already Exists: '${arn}'`,
    );
  }
  const record: ExecutionRecord = {
    executionArn: arn,
    stateMachineArn: machine.stateMachineArn,
    name,
    status: 'RUNNING',
    startDate: epochSeconds(ctx),
    input: executionInput,
    definition: machine.definition,
    roleArn: machine.roleArn,
  };
  executions(ctx).put(arn, record);
  launchExecution(ctx, record, machine.name);
  return { executionArn: arn, startDate: record.startDate };
}

export function describeExecution(input: any, ctx: ServiceContext) {
  const r = getExecution(ctx, input.executionArn);
  return {
    executionArn: r.executionArn,
    stateMachineArn: r.stateMachineArn,
    name: r.name,
    status: r.status,
    startDate: r.startDate,
    stopDate: r.stopDate,
    input: r.input,
    inputDetails: { included: true },
    output: r.output,
    outputDetails: r.output !== undefined ? { included: true } : undefined,
    error: r.error,
    cause: r.cause,
  };
}

export function listExecutions(input: any, ctx: ServiceContext) {
  const machineArn = requireStateMachineArn(input.stateMachineArn);
  if (input.statusFilter !== undefined && !STATUSES.has(input.statusFilter)) {
    throw new AwsError(
      'ValidationException',
      `Value '${input.statusFilter}' at 'statusFilter' failed to satisfy constraint`,
    );
  }
  registryFor(ctx);
  const matching = executions(ctx)
    .values()
    .filter(r => r.stateMachineArn === machineArn)
    .filter(r => !input.statusFilter || r.status === input.statusFilter);
  if (matching.length === 0 && !getStateMachineOrUndefined(ctx, machineArn)) {
    throw new AwsError(
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${machineArn}'`,
    );
  }
  // Newest first, as Step Functions lists them.
  matching.sort(
    (a, b) => b.startDate - a.startDate || a.name.localeCompare(b.name),
  );
  const page = paginate(matching, {
    maxResults: input.maxResults,
    nextToken: input.nextToken,
    scope: `executions:${machineArn}:${input.statusFilter ?? ''}`,
    defaultMax: 100,
  });
  return {
    executions: page.items.map(r => ({
      executionArn: r.executionArn,
      stateMachineArn: r.stateMachineArn,
      name: r.name,
      status: r.status,
      startDate: r.startDate,
      stopDate: r.stopDate,
    })),
    nextToken: page.nextToken,
  };
}

function getStateMachineOrUndefined(ctx: ServiceContext, arn: string) {
  try {
    return getStateMachine(ctx, arn);
  } catch {
    return undefined;
  }
}

const DATA_FIELDS = new Set([
  'input',
  'output',
  'inputDetails',
  'outputDetails',
  'parameters',
]);

export function getExecutionHistory(input: any, ctx: ServiceContext) {
  const record = getExecution(ctx, input.executionArn);
  let events = histories(ctx).get(record.executionArn) ?? [];
  if (input.reverseOrder) {
    events = [...events].reverse();
  }
  const page = paginate(events, {
    maxResults: input.maxResults,
    nextToken: input.nextToken,
    scope: `history:${record.executionArn}:${input.reverseOrder ? 'r' : 'f'}`,
    defaultMax: 100,
  });
  const includeData = input.includeExecutionData !== false;
  return {
    events: includeData
      ? page.items
      : page.items.map(event =>
          Object.fromEntries(
            Object.entries(event).map(([key, value]) => [
              key,
              value && typeof value === 'object'
                ? Object.fromEntries(
                    Object.entries(value).filter(([k]) => !DATA_FIELDS.has(k)),
                  )
                : value,
            ]),
          ),
        ),
    nextToken: page.nextToken,
  };
}

export function stopExecution(input: any, ctx: ServiceContext) {
  const record = getExecution(ctx, input.executionArn);
  if (record.status === 'RUNNING') {
    abortExecution(ctx, record.executionArn, input.error, input.cause);
  }
  return {
    stopDate:
      executions(ctx).get(record.executionArn)?.stopDate ?? epochSeconds(ctx),
  };
}
