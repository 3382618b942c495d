/*
 * Evaluates access request permissions through the permission framework: one conditional query
 * per call, whose conditions (IS_TABLE_OWNER, IS_REQUESTER, …) are then applied to the stored
 * requests here, the way the catalog applies its rules to entities.
 */
import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import { ACCESS_REQUEST_RESOURCE_TYPE } from '@datalake-portal/backstage-plugin-datalake-common';
import { StoredAccessRequest } from './AccessRequestStore';

type AccessRequestPermission = ResourcePermission<
  typeof ACCESS_REQUEST_RESOURCE_TYPE
>;

/** @public */
export class AccessRequestAuthorizer {
  private readonly applyConditions: ReturnType<
    typeof createConditionAuthorizer<StoredAccessRequest>
  >;

  constructor(
    private readonly permissions: PermissionsService,
    ruleset: PermissionRuleset<StoredAccessRequest, any, any>,
  ) {
    this.applyConditions = createConditionAuthorizer(ruleset);
  }

  /** A predicate telling which requests the caller holds the permission on. */
  async predicate(
    permission: AccessRequestPermission,
    credentials: BackstageCredentials,
  ): Promise<(request: StoredAccessRequest) => boolean> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return () => true;
    if (decision.result === AuthorizeResult.DENY) return () => false;
    return request => this.applyConditions(decision, request);
  }

  /** Throws a `NotAllowedError` unless the caller holds the permission on this request. */
  async assert(
    permission: AccessRequestPermission,
    request: StoredAccessRequest,
    credentials: BackstageCredentials,
    action: string,
  ): Promise<void> {
    const allowed = await this.predicate(permission, credentials);
    if (!allowed(request)) {
      throw new NotAllowedError(
        `You may not ${action} access request ${request.id}`,
      );
    }
  }
}
