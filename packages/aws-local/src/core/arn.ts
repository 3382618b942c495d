/** `arn:aws:<service>:<region>:<account>:<resource>`, the format every emulated ARN uses. */
export function makeArn(
  service: string,
  region: string,
  accountId: string,
  resource: string,
): string {
  return `arn:aws:${service}:${region}:${accountId}:${resource}`;
}

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return {
    partition: parts[1],
    service: parts[2],
    region: parts[3],
    accountId: parts[4],
    resource: parts.slice(5).join(':'),
  };
}
