/*
 * `datalake.access`: who is granted what in AWS for a Backstage identity, how long access may
 * last, and how the scheduled jobs run.
 */
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/** Default of `datalake.access.maxDurationDays`. @public */
export const DEFAULT_MAX_ACCESS_DURATION_DAYS = 90;

/** The grant principals Lake Formation accepts that we map to: IAM roles/users, Identity Center. */
const PRINCIPAL_PATTERN =
  /^arn:aws[a-z-]*:(iam::\d{12}:(role|user)\/[\w+=,.@/-]+|identitystore:::(user|group)\/[\w-]+)$/;

/** @public */
export type AccessConfig = {
  maxDurationDays: number;
  /** Entity ref (lower case) → principal ARN, in configuration order. */
  principals: Array<{ entityRef: string; principal: string }>;
  /** A pattern with `{namespace}` and `{name}` of the requesting user, or none. */
  defaultPrincipal?: string;
  expiryNoticeDays: number;
  /** How long a node's claim on an approved grant holds before the reconcile job retries it. */
  grantLeaseSeconds: number;
  revokeUnmanagedGrants: boolean;
  reconcileSchedule: SchedulerServiceTaskScheduleDefinition;
  expirySchedule: SchedulerServiceTaskScheduleDefinition;
};

const normalizeRef = (ref: string) =>
  stringifyEntityRef(
    parseEntityRef(ref, { defaultKind: 'user', defaultNamespace: 'default' }),
  ).toLocaleLowerCase('en-US');

function checkPrincipal(principal: string, where: string): string {
  if (!PRINCIPAL_PATTERN.test(principal)) {
    throw new InputError(
      `${where} must be an IAM role or user ARN or an Identity Center user or group ARN, got '${principal}'`,
    );
  }
  return principal;
}

/** Reads and checks `datalake.access`. @public */
export function readAccessConfig(config: RootConfigService): AccessConfig {
  const access = config.getOptionalConfig('datalake.access');
  const maxDurationDays =
    access?.getOptionalNumber('maxDurationDays') ??
    DEFAULT_MAX_ACCESS_DURATION_DAYS;
  if (!Number.isInteger(maxDurationDays) || maxDurationDays < 1) {
    throw new InputError(
      `datalake.access.maxDurationDays must be a positive integer, got ${maxDurationDays}`,
    );
  }
  const principals = (access?.getOptionalConfigArray('principals') ?? []).map(
    (entry, index) => ({
      entityRef: normalizeRef(entry.getString('entityRef')),
      principal: checkPrincipal(
        entry.getString('principal'),
        `datalake.access.principals[${index}].principal`,
      ),
    }),
  );
  const defaultPrincipal = access?.getOptionalString('defaultPrincipal');
  if (defaultPrincipal) {
    checkPrincipal(
      defaultPrincipal.replace(/\{namespace\}|\{name\}/g, 'x'),
      'datalake.access.defaultPrincipal',
    );
  }
  const schedule = (key: string, minutes: number) =>
    access?.has(key)
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          access.getConfig(key),
        )
      : {
          frequency: { minutes },
          timeout: { minutes: Math.max(minutes, 5) },
          initialDelay: { seconds: 30 },
        };
  return {
    maxDurationDays,
    principals,
    defaultPrincipal,
    expiryNoticeDays: access?.getOptionalNumber('expiryNoticeDays') ?? 2,
    grantLeaseSeconds: access?.getOptionalNumber('grantLeaseSeconds') ?? 300,
    revokeUnmanagedGrants:
      access?.getOptionalBoolean('reconcile.revokeUnmanagedGrants') ?? false,
    reconcileSchedule: schedule('reconcile.schedule', 5),
    expirySchedule: schedule('expiry.schedule', 1),
  };
}

/**
 * The principal a user's grants go to: the user's own mapping, else the first configured group
 * mapping the user belongs to, else the default pattern. Fails with an `InputError` when none
 * applies, before anything is stored.
 *
 * @public
 */
export function resolvePrincipal(
  config: AccessConfig,
  userEntityRef: string,
  ownershipEntityRefs: string[],
): string {
  const user = normalizeRef(userEntityRef);
  const owned = new Set(ownershipEntityRefs.map(normalizeRef));
  const direct = config.principals.find(p => p.entityRef === user);
  if (direct) return direct.principal;
  const viaGroup = config.principals.find(p => owned.has(p.entityRef));
  if (viaGroup) return viaGroup.principal;
  if (config.defaultPrincipal) {
    const { namespace, name } = parseEntityRef(userEntityRef);
    return config.defaultPrincipal
      .replace(/\{namespace\}/g, namespace)
      .replace(/\{name\}/g, name);
  }
  throw new InputError(
    `No AWS principal is configured for ${userEntityRef} or its groups (datalake.access.principals)`,
  );
}

/**
 * The group whose members all receive what a grant to this principal gives, when the principal
 * is a group's shared role (`datalake.access.principals` with a group entity ref); `undefined`
 * for a principal of one user. Approvers see it before they decide.
 *
 * @public
 */
export function principalSharedBy(
  config: Pick<AccessConfig, 'principals'>,
  principal: string,
): string | undefined {
  return config.principals.find(
    p => p.principal === principal && p.entityRef.startsWith('group:'),
  )?.entityRef;
}
