/*
 * AWS Secrets Manager (JSON 1.1, `X-Amz-Target: secretsmanager.<Operation>`): secrets with
 * versions and staging labels, enough for what DMS needs of it (an endpoint's
 * `SecretsManagerSecretId`) and for tools that create and read secrets. No KMS (values are kept
 * as given), no rotation, no replication to other regions, no resource policies.
 * API reference: https://docs.aws.amazon.com/secretsmanager/latest/apireference/Welcome.html
 */
import { randomUUID } from 'node:crypto';
import { decodeToken, encodeToken, pageSize } from '../../core/pagination';
import { AwsError, ServiceContext, ServiceDefinition } from '../../core/types';
import {
  allSecrets,
  CURRENT,
  findSecret,
  getSecretOrThrow,
  invalidParameter,
  invalidRequest,
  notFound,
  nowMs,
  PREVIOUS,
  requireNotDeleted,
  seconds,
  secrets,
  StoredSecret,
  StoredVersion,
  versionIdsToStages,
  newSecretArn,
} from './store';

/**
 * "The secret name can contain ASCII letters, numbers, and the following characters: /_+=.@-"
 * and is at most 512 characters (CreateSecret, Name,
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html).
 */
function secretName(input: any): string {
  const name = input?.Name;
  if (typeof name !== 'string' || !/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) {
    throw invalidParameter(
      'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
    );
  }
  return name;
}

/** `SecretString` or `SecretBinary`, never both (CreateSecret, PutSecretValue). */
function secretValue(
  input: any,
  required: boolean,
): Pick<StoredVersion, 'SecretString' | 'SecretBinary'> | undefined {
  const { SecretString, SecretBinary } = input ?? {};
  if (SecretString !== undefined && SecretBinary !== undefined) {
    throw invalidParameter(
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  if (SecretString !== undefined) {
    if (typeof SecretString !== 'string') {
      throw invalidParameter('SecretString must be a string');
    }
    return { SecretString };
  }
  if (SecretBinary !== undefined) {
    if (typeof SecretBinary !== 'string') {
      throw invalidParameter('SecretBinary must be a base64-encoded blob');
    }
    return { SecretBinary };
  }
  if (required) {
    throw invalidParameter(
      'You must provide either SecretString or SecretBinary.',
    );
  }
  return undefined;
}

/** `ClientRequestToken` (32–64 characters) becomes the VersionId; the SDK fills in a UUID. */
function versionId(input: any): string {
  const token = input?.ClientRequestToken;
  if (token === undefined) return randomUUID();
  if (typeof token !== 'string' || token.length < 32 || token.length > 64) {
    throw invalidParameter(
      'ClientRequestToken must be between 32 and 64 characters long.',
    );
  }
  return token;
}

function tags(value: unknown): { Key: string; Value: string }[] {
  if (value === undefined) return [];
  if (
    !Array.isArray(value) ||
    value.some(t => typeof t?.Key !== 'string' || typeof t?.Value !== 'string')
  ) {
    throw invalidParameter('Tags must be a list of Key and Value strings');
  }
  return value.map(t => ({ Key: t.Key, Value: t.Value }));
}

/**
 * Adds a version, moving its staging labels off the versions that had them; when AWSCURRENT
 * moves, the version that had it becomes AWSPREVIOUS (PutSecretValue, VersionStages,
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html).
 * Versions left without a label are deprecated, and the emulator drops them.
 */
function addVersion(secret: StoredSecret, version: StoredVersion) {
  const stages = new Set(version.VersionStages);
  const previousCurrent = Object.values(secret.versions).find(v =>
    v.VersionStages.includes(CURRENT),
  );
  const movesCurrent = stages.has(CURRENT) && previousCurrent !== undefined;
  if (movesCurrent) stages.add(PREVIOUS);
  const versions: Record<string, StoredVersion> = {};
  for (const existing of Object.values(secret.versions)) {
    let labels = existing.VersionStages.filter(s => !stages.has(s));
    if (movesCurrent && existing === previousCurrent) {
      labels = [...labels, PREVIOUS];
    }
    if (labels.length > 0) {
      versions[existing.VersionId] = { ...existing, VersionStages: labels };
    }
  }
  versions[version.VersionId] = version;
  return { ...secret, versions };
}

function describeView(secret: StoredSecret) {
  return {
    ARN: secret.ARN,
    Name: secret.Name,
    Description: secret.Description,
    KmsKeyId: secret.KmsKeyId,
    Tags: secret.Tags.length > 0 ? secret.Tags : undefined,
    CreatedDate: seconds(secret.CreatedDate),
    LastChangedDate: seconds(secret.LastChangedDate),
    LastAccessedDate: seconds(secret.LastAccessedDate),
    DeletedDate: seconds(secret.DeletedDate),
  };
}

const LIST_FILTER_KEYS: Record<string, (s: StoredSecret) => string[]> = {
  name: s => [s.Name],
  description: s => (s.Description ? [s.Description] : []),
  'tag-key': s => s.Tags.map(t => t.Key),
  'tag-value': s => s.Tags.map(t => t.Value),
  all: s => [
    s.Name,
    ...(s.Description ? [s.Description] : []),
    ...s.Tags.flatMap(t => [t.Key, t.Value]),
  ],
};

/**
 * ListSecrets `Filters`: each value matches as a prefix, `!` in front negates it; a secret must
 * match every filter, and any value of one filter
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Filter.html). The
 * `primary-region` and `owning-service` keys are not emulated.
 */
function listFilter(filters: unknown): (s: StoredSecret) => boolean {
  if (filters === undefined) return () => true;
  if (!Array.isArray(filters)) throw invalidParameter('Filters must be a list');
  const checks = filters.map(filter => {
    const fields = LIST_FILTER_KEYS[filter?.Key];
    if (!fields) {
      throw invalidParameter(
        `Invalid filter key ${filter?.Key}: the emulator supports ${Object.keys(
          LIST_FILTER_KEYS,
        ).join(', ')}`,
      );
    }
    const values: string[] = Array.isArray(filter.Values) ? filter.Values : [];
    return (s: StoredSecret) =>
      values.some(value => {
        const negated = value.startsWith('!');
        const prefix = negated ? value.slice(1) : value;
        const hit = fields(s).some(f => f.startsWith(prefix));
        return negated ? !hit : hit;
      });
  });
  return s => checks.every(check => check(s));
}

export const secretsManagerService: ServiceDefinition = {
  signingName: 'secretsmanager',
  protocol: 'json',
  targetPrefix: 'secretsmanager',
  internalError: { code: 'InternalServiceError', statusCode: 500 },
  operations: {
    /** https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html */
    CreateSecret(input: any, ctx: ServiceContext) {
      const name = secretName(input);
      const value = secretValue(input, false);
      const existing = findSecret(ctx, name);
      if (existing?.DeletedDate !== undefined) {
        throw invalidRequest(
          "You can't create this secret because a secret with this name is already scheduled for deletion.",
        );
      }
      if (existing) {
        throw new AwsError(
          'ResourceExistsException',
          `The operation failed because the secret ${name} already exists.`,
        );
      }
      const now = nowMs(ctx);
      let secret: StoredSecret = {
        ARN: newSecretArn(ctx, name),
        Name: name,
        Description: input.Description,
        KmsKeyId: input.KmsKeyId,
        Tags: tags(input.Tags),
        CreatedDate: now,
        LastChangedDate: now,
        versions: {},
      };
      let VersionId: string | undefined;
      // Without a value there is no version yet: the first PutSecretValue makes one.
      if (value) {
        VersionId = versionId(input);
        secret = addVersion(secret, {
          VersionId,
          ...value,
          VersionStages: [CURRENT],
          CreatedDate: now,
        });
      }
      secrets(ctx).put(name, secret);
      return { ARN: secret.ARN, Name: name, VersionId };
    },

    /** https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html */
    GetSecretValue(input: any, ctx: ServiceContext) {
      const secret = getSecretOrThrow(ctx, input);
      requireNotDeleted(secret, 'GetSecretValue');
      const stage: string | undefined =
        input.VersionStage ?? (input.VersionId ? undefined : CURRENT);
      const version = Object.values(secret.versions).find(
        v =>
          (input.VersionId === undefined || v.VersionId === input.VersionId) &&
          (stage === undefined || v.VersionStages.includes(stage)),
      );
      if (!version) {
        throw notFound(
          input.VersionId
            ? `Secrets Manager can't find the specified secret value for VersionId: ${input.VersionId}`
            : `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
        );
      }
      // "LastAccessedDate ... This value is truncated to midnight of the date" (DescribeSecret).
      const day = new Date(nowMs(ctx));
      day.setUTCHours(0, 0, 0, 0);
      secrets(ctx).put(secret.Name, {
        ...secret,
        LastAccessedDate: day.getTime(),
      });
      return {
        ARN: secret.ARN,
        Name: secret.Name,
        VersionId: version.VersionId,
        SecretString: version.SecretString,
        SecretBinary: version.SecretBinary,
        VersionStages: version.VersionStages,
        CreatedDate: seconds(version.CreatedDate),
      };
    },

    /** https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html */
    PutSecretValue(input: any, ctx: ServiceContext) {
      const secret = getSecretOrThrow(ctx, input);
      requireNotDeleted(secret, 'PutSecretValue');
      const value = secretValue(input, true)!;
      const id = versionId(input);
      const stages: string[] = input.VersionStages ?? [CURRENT];
      if (!Array.isArray(stages) || stages.some(s => typeof s !== 'string')) {
        throw invalidParameter('VersionStages must be a list of strings');
      }
      const existing = secret.versions[id];
      if (existing) {
        // The same token and value is a retry; a different value cannot change a version.
        if (
          existing.SecretString === value.SecretString &&
          existing.SecretBinary === value.SecretBinary
        ) {
          return {
            ARN: secret.ARN,
            Name: secret.Name,
            VersionId: id,
            VersionStages: existing.VersionStages,
          };
        }
        throw new AwsError(
          'ResourceExistsException',
          "You can't modify an existing version, you can only create a new version.",
        );
      }
      const now = nowMs(ctx);
      const updated = addVersion(
        { ...secret, LastChangedDate: now },
        { VersionId: id, ...value, VersionStages: stages, CreatedDate: now },
      );
      secrets(ctx).put(secret.Name, updated);
      return {
        ARN: secret.ARN,
        Name: secret.Name,
        VersionId: id,
        VersionStages: updated.versions[id].VersionStages,
      };
    },

    /** https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html */
    DescribeSecret(input: any, ctx: ServiceContext) {
      const secret = getSecretOrThrow(ctx, input);
      return {
        ...describeView(secret),
        VersionIdsToStages: versionIdsToStages(secret),
      };
    },

    /**
     * With a recovery window (7–30 days, default 30) the secret is scheduled for deletion and
     * can be restored until then; `ForceDeleteWithoutRecovery` deletes it at once
     * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html).
     */
    DeleteSecret(input: any, ctx: ServiceContext) {
      const secret = getSecretOrThrow(ctx, input);
      const force = input.ForceDeleteWithoutRecovery === true;
      if (force && input.RecoveryWindowInDays !== undefined) {
        throw invalidParameter(
          "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
        );
      }
      const now = nowMs(ctx);
      if (force) {
        secrets(ctx).delete(secret.Name);
        return {
          ARN: secret.ARN,
          Name: secret.Name,
          DeletionDate: seconds(now),
        };
      }
      if (secret.DeletedDate !== undefined) {
        throw invalidRequest(
          "You can't delete secret because it was already scheduled for deletion.",
        );
      }
      const days = pageSize(input.RecoveryWindowInDays, {
        min: 7,
        max: 30,
        fallback: 30,
        field: 'recoveryWindowInDays',
        errorCode: 'InvalidParameterException',
      });
      const deletedDate = now + days * 24 * 60 * 60 * 1000;
      secrets(ctx).put(secret.Name, { ...secret, DeletedDate: deletedDate });
      return {
        ARN: secret.ARN,
        Name: secret.Name,
        DeletionDate: seconds(deletedDate),
      };
    },

    /** https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RestoreSecret.html */
    RestoreSecret(input: any, ctx: ServiceContext) {
      const secret = getSecretOrThrow(ctx, input);
      const { DeletedDate: _deleted, ...restored } = secret;
      secrets(ctx).put(secret.Name, restored);
      return { ARN: secret.ARN, Name: secret.Name };
    },

    /**
     * Pages of at most `MaxResults` (1–100) secrets, by `SortBy` (created-date or name, the
     * emulator's default created-date) in `SortOrder` (default asc); secrets scheduled for
     * deletion only with `IncludePlannedDeletion`
     * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecrets.html).
     */
    ListSecrets(input: any, ctx: ServiceContext) {
      const limit = pageSize(input.MaxResults, {
        min: 1,
        max: 100,
        fallback: 100,
        field: 'maxResults',
      });
      const sortBy = input.SortBy ?? 'created-date';
      if (sortBy !== 'created-date' && sortBy !== 'name') {
        throw invalidParameter(
          `SortBy ${sortBy} is not supported by the emulator (created-date, name)`,
        );
      }
      const descending = String(input.SortOrder ?? 'asc') === 'desc';
      const sortKey = (s: StoredSecret) =>
        sortBy === 'name'
          ? s.Name
          : `${String(s.CreatedDate).padStart(16, '0')}\u0000${s.Name}`;
      const matches = listFilter(input.Filters);
      const all = allSecrets(ctx)
        .filter(
          s => input.IncludePlannedDeletion || s.DeletedDate === undefined,
        )
        .filter(matches)
        .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
      if (descending) all.reverse();
      const after = decodeToken(input.NextToken, 'InvalidNextTokenException');
      const start =
        after === undefined
          ? 0
          : all.findIndex(s =>
              descending ? sortKey(s) < after : sortKey(s) > after,
            );
      const rest = start < 0 ? [] : all.slice(start);
      const page = rest.slice(0, limit);
      return {
        SecretList: page.map(s => ({
          ...describeView(s),
          SecretVersionsToStages: versionIdsToStages(s),
        })),
        NextToken:
          rest.length > limit
            ? encodeToken(sortKey(page[page.length - 1]))
            : undefined,
      };
    },
  },
};
