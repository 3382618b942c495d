/*
 * Amazon States Language: the shapes the interpreter reads, and the structural validation that
 * CreateStateMachine/UpdateStateMachine run so that a broken definition is refused up front with
 * InvalidDefinition instead of failing an execution later.
 */
import { AwsError } from '../../core/types';

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}

export interface StateMachineBody {
  StartAt: string;
  States: Record<string, AslState>;
  Comment?: string;
}

/** Every field any state type may carry; the validator checks which apply to which type. */
export interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Comment?: string;
  InputPath?: string | null;
  OutputPath?: string | null;
  ResultPath?: string | null;
  Parameters?: JsonValue;
  ResultSelector?: JsonValue;
  Result?: JsonValue;
  Resource?: string;
  TimeoutSeconds?: number;
  Retry?: Retrier[];
  Catch?: Catcher[];
  Choices?: ChoiceRule[];
  Default?: string;
  Seconds?: number;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
  Error?: string;
  Cause?: string;
  ErrorPath?: string;
  CausePath?: string;
  Branches?: StateMachineBody[];
  ItemsPath?: string;
  ItemSelector?: JsonValue;
  Iterator?: StateMachineBody;
  ItemProcessor?: StateMachineBody & { ProcessorConfig?: unknown };
  MaxConcurrency?: number;
}

export type ChoiceRule = { Next?: string; Variable?: string } & Record<
  string,
  any
>;

const STATE_TYPES = new Set([
  'Task',
  'Pass',
  'Choice',
  'Wait',
  'Succeed',
  'Fail',
  'Parallel',
  'Map',
]);

const TERMINAL_TYPES = new Set(['Succeed', 'Fail', 'Choice']);

function invalid(message: string): AwsError {
  return new AwsError(
    'InvalidDefinition',
    `Invalid State Machine Definition: '${message}'`,
  );
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkPath(where: string, field: string, value: unknown) {
  if (value === undefined || value === null) {
    return;
  }
  if (typeof value !== 'string' || !value.startsWith('$')) {
    throw invalid(
      `SCHEMA_VALIDATION_FAILED: ${field} must be a JsonPath at ${where}`,
    );
  }
}

function checkErrorHandlers(
  where: string,
  state: AslState,
  names: Set<string>,
) {
  for (const retrier of state.Retry ?? []) {
    if (
      !Array.isArray(retrier.ErrorEquals) ||
      retrier.ErrorEquals.length === 0
    ) {
      throw invalid(
        `SCHEMA_VALIDATION_FAILED: Retry needs ErrorEquals at ${where}`,
      );
    }
    checkStatesAllLast(where, retrier.ErrorEquals);
    if (retrier.MaxAttempts !== undefined && retrier.MaxAttempts < 0) {
      throw invalid(
        `SCHEMA_VALIDATION_FAILED: MaxAttempts must be >= 0 at ${where}`,
      );
    }
    if (retrier.BackoffRate !== undefined && retrier.BackoffRate < 1) {
      throw invalid(
        `SCHEMA_VALIDATION_FAILED: BackoffRate must be >= 1.0 at ${where}`,
      );
    }
  }
  for (const catcher of state.Catch ?? []) {
    if (
      !Array.isArray(catcher.ErrorEquals) ||
      catcher.ErrorEquals.length === 0
    ) {
      throw invalid(
        `SCHEMA_VALIDATION_FAILED: Catch needs ErrorEquals at ${where}`,
      );
    }
    checkStatesAllLast(where, catcher.ErrorEquals);
    if (!names.has(catcher.Next)) {
      throw invalid(
        `MISSING_TRANSITION_TARGET: Missing 'Next' target: ${catcher.Next} at ${where}`,
      );
    }
    checkPath(where, 'ResultPath', catcher.ResultPath);
  }
}

function checkStatesAllLast(where: string, errors: string[]) {
  const index = errors.indexOf('States.ALL');
  if (index !== -1 && errors.length !== 1) {
    throw invalid(
      `SCHEMA_VALIDATION_FAILED: States.ALL must appear alone in ErrorEquals at ${where}`,
    );
  }
}

function checkChoiceRule(
  where: string,
  rule: Record<string, any>,
  top: boolean,
  names: Set<string>,
) {
  if (!isObject(rule)) {
    throw invalid(
      `SCHEMA_VALIDATION_FAILED: a Choice rule must be an object at ${where}`,
    );
  }
  if (top) {
    if (typeof rule.Next !== 'string' || !names.has(rule.Next)) {
      throw invalid(
        `MISSING_TRANSITION_TARGET: Missing 'Next' target: ${rule.Next} at ${where}`,
      );
    }
  }
  if (Array.isArray(rule.And) || Array.isArray(rule.Or)) {
    for (const inner of (rule.And ?? rule.Or) as Record<string, any>[]) {
      checkChoiceRule(where, inner, false, names);
    }
    return;
  }
  if (rule.Not !== undefined) {
    checkChoiceRule(where, rule.Not, false, names);
    return;
  }
  checkPath(where, 'Variable', rule.Variable);
  if (typeof rule.Variable !== 'string') {
    throw invalid(
      `SCHEMA_VALIDATION_FAILED: a Choice rule needs a Variable at ${where}`,
    );
  }
}

function checkBody(body: unknown, where: string) {
  if (!isObject(body)) {
    throw invalid(
      `SCHEMA_VALIDATION_FAILED: definition must be an object at ${where}`,
    );
  }
  if (typeof body.StartAt !== 'string') {
    throw invalid(`SCHEMA_VALIDATION_FAILED: StartAt is required at ${where}`);
  }
  if (!isObject(body.States) || Object.keys(body.States).length === 0) {
    throw invalid(`SCHEMA_VALIDATION_FAILED: States is required at ${where}`);
  }
  const names = new Set(Object.keys(body.States));
  if (!names.has(body.StartAt)) {
    throw invalid(
      `MISSING_TRANSITION_TARGET: Missing 'Next' target: ${body.StartAt} at ${where}/StartAt`,
    );
  }
  for (const [name, raw] of Object.entries(body.States)) {
    const at = `${where}/States/${name}`;
    if (name.length > 80) {
      throw invalid(
        `SCHEMA_VALIDATION_FAILED: state name longer than 80 characters at ${at}`,
      );
    }
    if (!isObject(raw) || !STATE_TYPES.has(raw.Type)) {
      throw invalid(
        `SCHEMA_VALIDATION_FAILED: unknown or missing Type at ${at}`,
      );
    }
    const state = raw as AslState;
    if (!TERMINAL_TYPES.has(state.Type)) {
      if (state.End !== true && typeof state.Next !== 'string') {
        throw invalid(
          `SCHEMA_VALIDATION_FAILED: ${state.Type} state needs Next or End at ${at}`,
        );
      }
      if (state.End === true && state.Next !== undefined) {
        throw invalid(
          `SCHEMA_VALIDATION_FAILED: Next and End are exclusive at ${at}`,
        );
      }
      if (state.Next !== undefined && !names.has(state.Next)) {
        throw invalid(
          `MISSING_TRANSITION_TARGET: Missing 'Next' target: ${state.Next} at ${at}`,
        );
      }
    }
    checkPath(at, 'InputPath', state.InputPath);
    checkPath(at, 'OutputPath', state.OutputPath);
    checkPath(at, 'ResultPath', state.ResultPath);
    switch (state.Type) {
      case 'Task':
        if (
          typeof state.Resource !== 'string' ||
          !state.Resource.startsWith('arn:')
        ) {
          throw invalid(
            `SCHEMA_VALIDATION_FAILED: Task needs a Resource ARN at ${at}`,
          );
        }
        checkErrorHandlers(at, state, names);
        break;
      case 'Choice':
        if (!Array.isArray(state.Choices) || state.Choices.length === 0) {
          throw invalid(
            `SCHEMA_VALIDATION_FAILED: Choice needs Choices at ${at}`,
          );
        }
        state.Choices.forEach((rule, i) =>
          checkChoiceRule(`${at}/Choices/${i}`, rule, true, names),
        );
        if (state.Default !== undefined && !names.has(state.Default)) {
          throw invalid(
            `MISSING_TRANSITION_TARGET: Missing 'Next' target: ${state.Default} at ${at}`,
          );
        }
        break;
      case 'Wait': {
        const given = [
          'Seconds',
          'SecondsPath',
          'Timestamp',
          'TimestampPath',
        ].filter(f => (state as any)[f] !== undefined);
        if (given.length !== 1) {
          throw invalid(
            `SCHEMA_VALIDATION_FAILED: Wait needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath at ${at}`,
          );
        }
        break;
      }
      case 'Parallel':
        if (!Array.isArray(state.Branches) || state.Branches.length === 0) {
          throw invalid(
            `SCHEMA_VALIDATION_FAILED: Parallel needs Branches at ${at}`,
          );
        }
        state.Branches.forEach((b, i) => checkBody(b, `${at}/Branches/${i}`));
        checkErrorHandlers(at, state, names);
        break;
      case 'Map': {
        const processor = state.ItemProcessor ?? state.Iterator;
        if (!processor) {
          throw invalid(
            `SCHEMA_VALIDATION_FAILED: Map needs ItemProcessor or Iterator at ${at}`,
          );
        }
        checkBody(
          processor,
          `${at}/${state.ItemProcessor ? 'ItemProcessor' : 'Iterator'}`,
        );
        checkPath(at, 'ItemsPath', state.ItemsPath);
        if (
          state.MaxConcurrency !== undefined &&
          !(state.MaxConcurrency >= 0)
        ) {
          throw invalid(
            `SCHEMA_VALIDATION_FAILED: MaxConcurrency must be >= 0 at ${at}`,
          );
        }
        checkErrorHandlers(at, state, names);
        break;
      }
      default:
        break;
    }
  }
}

/** Parses and validates a definition, throwing InvalidDefinition as Step Functions does. */
export function parseDefinition(definition: unknown): StateMachineBody {
  if (typeof definition !== 'string' || definition.length === 0) {
    throw invalid('SCHEMA_VALIDATION_FAILED: definition is required');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch (e) {
    throw invalid(`INVALID_JSON_DESCRIPTION: ${(e as Error).message}`);
  }
  checkBody(parsed, '');
  return parsed as StateMachineBody;
}
