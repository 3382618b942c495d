/*
 * Evaluates access request permissions through the permission framework: one conditional query
 * per call, whose conditions (IS_TABLE_OWNER, IS_REQUESTER, …) are then applied to the stored
 * requests here, the way the catalog applies its rules to entities.
 *
 * With the framework off (`permission.enabled` unset or false) every query would answer ALLOW,
 * so that anyone could read anyone's requests and approve their own. The routes fail closed
 * instead: they make the portal's own decisions (`decideAccessRequestPermission`) locally, with
 * no admins, from the caller's ownership as the user info service knows it.
 */
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import { ACCESS_REQUEST_RESOURCE_TYPE } from '@datalake-portal/backstage-plugin-datalake-common';
import { decideAccessRequestPermission } from './accessRequestPolicy';
import { StoredAccessRequest } from './AccessRequestStore';

/** @public */
export type AccessRequestAuthorizerOptions = {
  /** `permission.enabled`: false makes the routes decide locally, failing closed. */
  permissionsEnabled: boolean;
  /** The caller's ownership refs, when the routes decide locally. */
  userInfo: UserInfoService;
};

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
    private readonly options: AccessRequestAuthorizerOptions,
  ) {
    this.applyConditions = createConditionAuthorizer(ruleset);
  }

  private async decide(
    permission: AccessRequestPermission,
    credentials: BackstageCredentials,
  ): Promise<PolicyDecision> {
    if (this.options.permissionsEnabled) {
      const [decision] = await this.permissions.authorizeConditional(
        [{ permission }],
        { credentials },
      );
      return decision;
    }
    const principal = credentials.principal as Partial<BackstageUserPrincipal>;
    const user =
      principal.type === 'user'
        ? await this.options.userInfo.getUserInfo(credentials)
        : undefined;
    return (
      decideAccessRequestPermission(permission, user, { isAdmin: false }) ?? {
        result: AuthorizeResult.DENY,
      }
    );
  }

  /** A predicate telling which requests the caller holds the permission on. */
  async predicate(
    permission: AccessRequestPermission,
    credentials: BackstageCredentials,
  ): Promise<(request: StoredAccessRequest) => boolean> {
    const decision = await this.decide(permission, credentials);
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
