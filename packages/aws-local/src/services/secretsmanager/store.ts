/*
 * Secrets and their versions, and how a `SecretId` finds a secret: by name, by full ARN, or by a
 * partial ARN without the `-xxxxxx` suffix that Secrets Manager appends to the name
 * (GetSecretValue, SecretId: "For an ARN, we recommend that you specify a complete ARN rather than
 * a partial ARN. See Finding a secret from a partial ARN",
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html and
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot.html#ARN_secretnamehyphen).
 */
import { randomBytes } from 'node:crypto';
import { makeArn, parseArn } from '../../core/arn';
import { AwsError, ServiceContext } from '../../core/types';

export interface StoredVersion {
  VersionId: string;
  SecretString?: string;
  /** Base64, as the JSON protocol carries a blob. */
  SecretBinary?: string;
  VersionStages: string[];
  /** Epoch milliseconds. */
  CreatedDate: number;
}

export interface StoredSecret {
  ARN: string;
  Name: string;
  Description?: string;
  KmsKeyId?: string;
  Tags: { Key: string; Value: string }[];
  CreatedDate: number;
  LastChangedDate: number;
  LastAccessedDate?: number;
  /** When a scheduled deletion takes effect (DeleteSecret with a recovery window). */
  DeletedDate?: number;
  /** By VersionId, in creation order. */
  versions: Record<string, StoredVersion>;
}

export const CURRENT = 'AWSCURRENT';
export const PREVIOUS = 'AWSPREVIOUS';

export const secrets = (ctx: ServiceContext) =>
  ctx.state.collection<StoredSecret>('secretsmanager.secrets');

export const nowMs = (ctx: ServiceContext) => ctx.clock.now().getTime();
/** Timestamps of the JSON protocol are epoch seconds. */
export const seconds = (ms: number | undefined) =>
  ms === undefined ? undefined : ms / 1000;

export const notFound = (
  message = "Secrets Manager can't find the specified secret.",
) => new AwsError('ResourceNotFoundException', message);
export const invalidParameter = (message: string) =>
  new AwsError('InvalidParameterException', message);
export const invalidRequest = (message: string) =>
  new AwsError('InvalidRequestException', message);

/**
 * `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>` ("Secrets
 * Manager adds a hyphen and six random characters" to the name in the ARN, CreateSecret, Name).
 */
export function newSecretArn(ctx: ServiceContext, name: string) {
  const alphabet =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const suffix = [...randomBytes(6)]
    .map(byte => alphabet[byte % alphabet.length])
    .join('');
  return makeArn(
    'secretsmanager',
    ctx.region,
    ctx.accountId,
    `secret:${name}-${suffix}`,
  );
}

/** Drops a secret whose recovery window has passed: it is gone, as AWS deletes it then. */
function live(ctx: ServiceContext, secret: StoredSecret | undefined) {
  if (secret?.DeletedDate !== undefined && secret.DeletedDate <= nowMs(ctx)) {
    secrets(ctx).delete(secret.Name);
    return undefined;
  }
  return secret;
}

export function allSecrets(ctx: ServiceContext): StoredSecret[] {
  return secrets(ctx)
    .values()
    .map(secret => live(ctx, secret))
    .filter((s): s is StoredSecret => s !== undefined);
}

export function findSecret(
  ctx: ServiceContext,
  secretId: string,
): StoredSecret | undefined {
  if (!secretId.startsWith('arn:'))
    return live(ctx, secrets(ctx).get(secretId));
  const arn = parseArn(secretId);
  if (
    !arn ||
    arn.service !== 'secretsmanager' ||
    arn.region !== ctx.region ||
    arn.accountId !== ctx.accountId ||
    !arn.resource.startsWith('secret:')
  ) {
    return undefined;
  }
  const all = allSecrets(ctx);
  // A complete ARN first; then a partial one, which must match exactly one secret.
  const exact = all.find(s => s.ARN === secretId);
  if (exact) return exact;
  const partial = all.filter(s => s.ARN.slice(0, -7) === secretId);
  return partial.length === 1 ? partial[0] : undefined;
}

export function requireSecretId(input: any): string {
  const id = input?.SecretId;
  if (typeof id !== 'string' || id.length === 0 || id.length > 2048) {
    throw invalidParameter(
      'Invalid SecretId: it must be the name or ARN of a secret (1 to 2048 characters).',
    );
  }
  return id;
}

export function getSecretOrThrow(ctx: ServiceContext, input: any) {
  const secret = findSecret(ctx, requireSecretId(input));
  if (!secret) throw notFound();
  return secret;
}

/** Operations on the value of a secret scheduled for deletion fail (DeleteSecret). */
export function requireNotDeleted(secret: StoredSecret, action: string) {
  if (secret.DeletedDate !== undefined) {
    throw invalidRequest(
      `You can't perform this operation on the secret because it was marked for deletion. (${action})`,
    );
  }
}

export function versionIdsToStages(secret: StoredSecret) {
  const entries = Object.values(secret.versions).filter(
    v => v.VersionStages.length > 0,
  );
  return entries.length === 0
    ? undefined
    : Object.fromEntries(entries.map(v => [v.VersionId, v.VersionStages]));
}
