/*
 * Who may read the raw errors and log tails of the runs that write a table. They quote row
 * values (a cast that failed on "N/A", a key that was null…), so they are for those who may read
 * the table's data: its owners, admins, and users holding a live grant from an access request.
 * The portal's policy decides through `datalakeRunErrorReadPermission` and the rules below, on a
 * resource built here from the table entity and the granted access requests.
 */
import {
  AuthService,
  BackstageCredentials,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  isPermission,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  datalakeRunErrorReadPermission,
  datalakeRunPermissions,
  TABLE_DATA_RESOURCE_TYPE,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { z } from 'zod';
import type { AccessRequestStore } from '../access';

/**
 * A table's data as the permission rules see it.
 *
 * @public
 */
export type TableDataResource = {
  /** The table entity ref. */
  entityRef: string;
  /** The owner entity ref, e.g. `group:default/data-engineering`; null when the entity has none. */
  owner: string | null;
  /** Users holding a live grant on the table from an access request. */
  grantees: string[];
};

/** Query criteria of the table data rules. @public */
export type TableDataPermissionQuery =
  | { ownerIn: string[] }
  | { granteeIn: string[] };

/** @public */
export const tableDataResourceRef = createPermissionResourceRef<
  TableDataResource,
  TableDataPermissionQuery
>().with({ pluginId: 'datalake', resourceType: TABLE_DATA_RESOURCE_TYPE });

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * `IS_TABLE_DATA_OWNER`: the table is owned by one of the given entity refs (normally the
 * caller's ownership refs).
 *
 * @public
 */
export const isTableDataOwner = createPermissionRule({
  name: 'IS_TABLE_DATA_OWNER',
  description: 'Allow when the table is owned by one of the given entity refs',
  resourceRef: tableDataResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs, usually the caller and their groups'),
  }),
  apply: (table, { claims }) =>
    table.owner !== null && claims.map(lower).includes(lower(table.owner)),
  toQuery: ({ claims }) => ({ ownerIn: claims }),
});

/**
 * `HAS_TABLE_GRANT`: the given user holds a live grant on the table from an access request.
 *
 * @public
 */
export const hasTableGrant = createPermissionRule({
  name: 'HAS_TABLE_GRANT',
  description:
    'Allow when the given user holds a granted, unexpired access request on the table',
  resourceRef: tableDataResourceRef,
  paramsSchema: z.object({
    userEntityRef: z.string().describe('The user entity ref of the caller'),
  }),
  apply: (table, { userEntityRef }) =>
    table.grantees.map(lower).includes(lower(userEntityRef)),
  toQuery: ({ userEntityRef }) => ({ granteeIn: [userEntityRef] }),
});

/** @public */
export const tableDataPermissionRules = { isTableDataOwner, hasTableGrant };

const exports = createConditionExports({
  resourceRef: tableDataResourceRef,
  rules: tableDataPermissionRules,
});

/** Condition factories of the table data rules, for permission policies. @public */
export const tableDataConditions = exports.conditions;

/** @public */
export const createTableDataConditionalDecision =
  exports.createConditionalDecision;

/**
 * Decides `datalake.run.error.read`, or returns `undefined` for any other permission: admins
 * always, others when they own the table or hold a live grant on it. Nobody by default.
 *
 * @public
 */
export function decideRunErrorPermission(
  permission: Permission,
  user: { userEntityRef: string; ownershipEntityRefs: string[] } | undefined,
  options: { isAdmin: boolean },
): PolicyDecision | undefined {
  if (!isPermission(permission, datalakeRunErrorReadPermission)) {
    return undefined;
  }
  if (!user) return { result: AuthorizeResult.DENY };
  if (options.isAdmin) return { result: AuthorizeResult.ALLOW };
  return createTableDataConditionalDecision(permission, {
    anyOf: [
      tableDataConditions.isTableDataOwner({
        claims: user.ownershipEntityRefs,
      }),
      tableDataConditions.hasTableGrant({ userEntityRef: user.userEntityRef }),
    ],
  });
}

/** The users holding a live grant on a table entity. @public */
export type TableGranteeLookup = (entityRef: string) => Promise<string[]>;

/** Grantees from the access request store: granted requests that have not expired. @public */
export function granteesFromStore(
  store: Pick<AccessRequestStore, 'list'>,
  now: () => Date = () => new Date(),
): TableGranteeLookup {
  return async entityRef => {
    const granted = await store.list({ entityRef, statuses: ['granted'] });
    const at = now().toISOString();
    return [
      ...new Set(
        granted
          .filter(r => !r.expiresAt || r.expiresAt > at)
          .map(r => r.requester),
      ),
    ];
  };
}

function ownerOf(entity: Entity): string | null {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner) return null;
  return stringifyEntityRef(
    parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: entity.metadata.namespace ?? 'default',
    }),
  );
}

/**
 * Evaluates `datalake.run.error.read` on table entities for one caller: one conditional query
 * per request, whose conditions are applied here to each table, as the catalog applies its rules
 * to entities.
 *
 * @public
 */
export class RunErrorAuthorizer {
  private readonly applyConditions: ReturnType<
    typeof createConditionAuthorizer<TableDataResource>
  >;

  /** Registers the table data resource type and its rules, and returns the authorizer. */
  static register(options: {
    permissions: PermissionsService;
    permissionsRegistry: PermissionsRegistryService;
    catalog: CatalogService;
    auth: AuthService;
    grantees: TableGranteeLookup;
  }): RunErrorAuthorizer {
    const { permissionsRegistry, catalog, auth, grantees } = options;
    permissionsRegistry.addResourceType({
      resourceRef: tableDataResourceRef,
      permissions: datalakeRunPermissions,
      rules: Object.values(tableDataPermissionRules),
      getResources: async refs => {
        const credentials = await auth.getOwnServiceCredentials();
        const { items } = await catalog.getEntitiesByRefs(
          { entityRefs: refs },
          { credentials },
        );
        return Promise.all(
          items.map(entity =>
            entity ? tableDataOf(entity, grantees) : undefined,
          ),
        );
      },
    });
    return new RunErrorAuthorizer(
      options.permissions,
      permissionsRegistry.getPermissionRuleset(tableDataResourceRef),
      grantees,
    );
  }

  constructor(
    private readonly permissions: PermissionsService,
    ruleset: Parameters<typeof createConditionAuthorizer<TableDataResource>>[0],
    private readonly grantees: TableGranteeLookup,
  ) {
    this.applyConditions = createConditionAuthorizer(ruleset);
  }

  /** Whether the caller may read run errors, per table entity. */
  async forCaller(
    credentials: BackstageCredentials,
  ): Promise<(table: Entity) => Promise<boolean>> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission: datalakeRunErrorReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return async () => true;
    if (decision.result === AuthorizeResult.DENY) return async () => false;
    const memo = new Map<string, Promise<boolean>>();
    return table => {
      const ref = stringifyEntityRef(table);
      let allowed = memo.get(ref);
      if (!allowed) {
        allowed = tableDataOf(table, this.grantees).then(resource =>
          this.applyConditions(decision, resource),
        );
        memo.set(ref, allowed);
      }
      return allowed;
    };
  }
}

async function tableDataOf(
  entity: Entity,
  grantees: TableGranteeLookup,
): Promise<TableDataResource> {
  const entityRef = stringifyEntityRef(entity);
  return {
    entityRef,
    owner: ownerOf(entity),
    grantees: await grantees(entityRef),
  };
}
