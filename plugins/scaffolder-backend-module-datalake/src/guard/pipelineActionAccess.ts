/*
 * Who may run the data lake's scaffolder actions, decided by the portal's permission policy for
 * the task's initiator (the user who started the task or the dry run), never by template input.
 */
import {
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  datalakePipelineCreatePermission,
  datalakePipelineOwnerAssignPermission,
} from '@datalake-portal/backstage-plugin-datalake-common';

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/** An owner as an entity ref: a bare name is a group in the default namespace, as OwnerPicker gives. */
export function ownerEntityRef(owner: string): string {
  try {
    return lower(
      stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: DEFAULT_NAMESPACE,
        }),
      ),
    );
  } catch (error) {
    throw new InputError(`owner '${owner}' is not an entity ref`);
  }
}

/**
 * The permission checks of the pipeline actions.
 *
 * @public
 */
export class PipelineActionAccess {
  private readonly owners: ReadonlyMap<string, string>;

  constructor(
    private readonly options: {
      permissions: PermissionsService;
      userInfo: UserInfoService;
      /** `datalake.sources`: actions for any other id are refused. */
      sources: ReadonlyArray<{ id: string; owner: string }>;
      /**
       * `permission.enabled`. Off, Backstage's permissions service allows everything; these
       * checks then fail closed: only members of the source's owner group build its pipeline,
       * for their own groups, and nobody is an admin.
       */
      permissionsEnabled: boolean;
    },
  ) {
    this.owners = new Map(
      options.sources.map(s => [s.id, ownerEntityRef(s.owner)]),
    );
  }

  /** The caller's ownership refs (user and groups), lower-cased; none for a service. */
  private async claimsOf(credentials: BackstageCredentials): Promise<string[]> {
    const principal = credentials.principal as { type?: string };
    if (principal.type !== 'user') return [];
    return (
      await this.options.userInfo.getUserInfo(credentials)
    ).ownershipEntityRefs.map(lower);
  }

  /**
   * Refuses unless the source is configured and the policy lets the caller create its pipeline
   * resources (`datalake.pipeline.create` on the source: its owners and admins in the portal).
   */
  async authorizeSource(
    credentials: BackstageCredentials,
    sourceId: string,
  ): Promise<void> {
    const owner = this.owners.get(sourceId);
    if (!owner) {
      throw new InputError(
        `source '${sourceId}' is not configured in datalake.sources (configured: ${
          [...this.owners.keys()].join(', ') || 'none'
        })`,
      );
    }
    const allowed = this.options.permissionsEnabled
      ? (
          await this.options.permissions.authorize(
            [
              {
                permission: datalakePipelineCreatePermission,
                resourceRef: sourceId,
              },
            ],
            { credentials },
          )
        )[0].result === AuthorizeResult.ALLOW
      : (await this.claimsOf(credentials)).includes(owner);
    if (!allowed) {
      throw new NotAllowedError(
        `Not allowed: ${datalakePipelineCreatePermission.name} on source '${sourceId}' (members of its owner group and admins only)`,
      );
    }
  }

  /**
   * Refuses an owner that is neither the caller nor one of the caller's groups, unless the policy
   * lets the caller give resources to any owner (`datalake.pipeline.owner.assign`: admins).
   */
  async authorizeOwner(
    credentials: BackstageCredentials,
    owner: string,
  ): Promise<void> {
    const wanted = ownerEntityRef(owner);
    const claims = await this.claimsOf(credentials);
    if (claims.includes(wanted)) return;
    const mayAssign =
      this.options.permissionsEnabled &&
      (
        await this.options.permissions.authorize(
          [{ permission: datalakePipelineOwnerAssignPermission }],
          { credentials },
        )
      )[0].result === AuthorizeResult.ALLOW;
    if (!mayAssign) {
      throw new NotAllowedError(
        `Not allowed: owner '${wanted}' is neither you nor one of your groups (${
          claims.join(', ') || 'none'
        }); only admins give pipeline resources to other owners (${
          datalakePipelineOwnerAssignPermission.name
        })`,
      );
    }
  }
}
