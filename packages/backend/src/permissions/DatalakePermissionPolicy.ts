import { Config } from '@backstage/config';
import {
  catalogEntityDeletePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  decideAccessRequestPermission,
  decideRunErrorPermission,
  decideSourcePermission,
} from '@datalake-portal/backstage-plugin-datalake-backend';
import {
  datalakePipelineRunPermission,
  datalakeTableReloadPermission,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  taskCancelPermission,
  taskReadPermission,
  templateDryRunPermission,
  templateManagementPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import {
  createScaffolderTaskConditionalDecision,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';

/**
 * The portal's permission policy.
 *
 * Admins (users, or members of groups, listed under `permission.datalake.admins`) may do anything.
 * Everyone else may read and create, but only unregister catalog entities they own, and may not
 * delete catalog locations: tables synced from Glue and pipelines created by templates must not
 * vanish because someone clicked "unregister" on a page they merely visit.
 *
 * Access requests: members of a table's owner group (and admins) approve, nobody approves their
 * own request, requesters and owners read and revoke (conditions on the request resource).
 *
 * Sources: anyone lists them (without host, port or credentials); only members of a source's
 * owner group and admins inspect it or run its CDC preflight (a condition on the source).
 *
 * Run errors and log tails (they quote row values): admins, the table's owners and holders of a
 * live grant on it (a condition on the table's data); nobody else.
 *
 * "Run now" (starting a table's pipeline outside its schedule): admins and the table entity's
 * owners (a catalog condition); nobody else.
 *
 * Scaffolder: the data lake actions ask `datalake.pipeline.create` on their source (its owners and
 * admins) and `datalake.pipeline.owner.assign` to give resources to another group (admins). Dry
 * runs of inline templates (the template editor) and template management are for admins; a task
 * and its log are read and cancelled by the user who started it and by admins.
 */
export class DatalakePermissionPolicy implements PermissionPolicy {
  private readonly admins: ReadonlySet<string>;

  static fromConfig(config: Config): DatalakePermissionPolicy {
    const admins =
      config.getOptionalStringArray('permission.datalake.admins') ?? [];
    return new DatalakePermissionPolicy(admins);
  }

  constructor(admins: string[]) {
    this.admins = new Set(admins.map(ref => ref.toLocaleLowerCase('en-US')));
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const caller = user
      ? {
          userEntityRef: user.info.userEntityRef,
          ownershipEntityRefs: user.info.ownershipEntityRefs,
        }
      : undefined;
    const isAdmin = user ? this.isAdmin(user) : false;
    // The data lake's own permissions are decided here, never by the default below.
    const datalakeDecision =
      decideAccessRequestPermission(request.permission, caller, { isAdmin }) ??
      decideSourcePermission(request.permission, caller, { isAdmin }) ??
      decideRunErrorPermission(request.permission, caller, { isAdmin });
    if (datalakeDecision) {
      return datalakeDecision;
    }
    // Running a table's pipeline now, or reloading the table from its source: its owners and admins.
    if (
      isPermission(request.permission, datalakePipelineRunPermission) ||
      isPermission(request.permission, datalakeTableReloadPermission)
    ) {
      if (isAdmin) return { result: AuthorizeResult.ALLOW };
      if (!user) return { result: AuthorizeResult.DENY };
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({
          claims: user.info.ownershipEntityRefs,
        }),
      );
    }

    if (user && this.isAdmin(user)) {
      return { result: AuthorizeResult.ALLOW };
    }

    if (
      isPermission(request.permission, templateDryRunPermission) ||
      isPermission(request.permission, templateManagementPermission)
    ) {
      return { result: AuthorizeResult.DENY };
    }
    if (
      isPermission(request.permission, taskReadPermission) ||
      isPermission(request.permission, taskCancelPermission)
    ) {
      if (!user) return { result: AuthorizeResult.DENY };
      return createScaffolderTaskConditionalDecision(
        request.permission,
        scaffolderTaskConditions.isTaskOwner({
          createdBy: [user.info.userEntityRef],
        }),
      );
    }

    if (isPermission(request.permission, catalogEntityDeletePermission)) {
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({
          claims: user?.info.ownershipEntityRefs ?? [],
        }),
      );
    }

    if (isPermission(request.permission, catalogLocationDeletePermission)) {
      return { result: AuthorizeResult.DENY };
    }

    return { result: AuthorizeResult.ALLOW };
  }

  private isAdmin(user: PolicyQueryUser): boolean {
    return user.info.ownershipEntityRefs.some(ref =>
      this.admins.has(ref.toLocaleLowerCase('en-US')),
    );
  }
}
