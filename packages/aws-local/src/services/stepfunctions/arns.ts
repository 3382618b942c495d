/*
 * Step Functions ARNs and names in their real formats:
 * `arn:aws:states:REGION:ACCOUNT:stateMachine:NAME` and
 * `arn:aws:states:REGION:ACCOUNT:execution:NAME:EXECUTION`.
 */
import { AwsError, ServiceContext } from '../../core/types';

const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

function hasControlCharacter(name: string): boolean {
  return [...name].some(c => {
    const code = c.charCodeAt(0);
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  });
}

/** Names follow the documented rules: 1–80 characters, no whitespace, brackets, wildcards or punctuation. */
export function validateName(name: unknown, what: string): string {
  if (
    typeof name !== 'string' ||
    name.length < 1 ||
    name.length > 80 ||
    NAME_FORBIDDEN.test(name) ||
    hasControlCharacter(name)
  ) {
    throw new AwsError(
      'InvalidName',
      `Invalid Name: '${String(name)}' is not a valid ${what} name`,
    );
  }
  return name;
}

export function stateMachineArn(ctx: ServiceContext, name: string): string {
  return `arn:aws:states:${ctx.region}:${ctx.accountId}:stateMachine:${name}`;
}

export function executionArn(
  stateMachine: string,
  executionName: string,
): string {
  return `${stateMachine.replace(
    ':stateMachine:',
    ':execution:',
  )}:${executionName}`;
}

const STATE_MACHINE_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/;
const EXECUTION_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;

export function requireStateMachineArn(arn: unknown): string {
  if (typeof arn !== 'string' || !STATE_MACHINE_ARN.test(arn)) {
    throw new AwsError(
      'InvalidArn',
      `Invalid Arn: 'Resource type not valid in this context: ${String(arn)}'`,
    );
  }
  return arn;
}

export function requireExecutionArn(arn: unknown): string {
  if (typeof arn !== 'string' || !EXECUTION_ARN.test(arn)) {
    throw new AwsError(
      'InvalidArn',
      `Invalid Arn: 'Resource type not valid in this context: ${String(arn)}'`,
    );
  }
  return arn;
}

/** The state machine ARN an execution ARN belongs to. */
export function stateMachineOfExecution(arn: string): string {
  return arn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, '');
}
