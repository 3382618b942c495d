/*
 * The Lake Formation side of access requests: data cells filters, grants and revokes, and the
 * listing the reconcile job compares with. Every call is idempotent, so that a retry after a
 * crash or a timeout never fails on what the first attempt already did.
 */
import {
  CreateDataCellsFilterCommand,
  DataCellsFilter,
  DeleteDataCellsFilterCommand,
  GrantPermissionsCommand,
  LakeFormationClient,
  ListPermissionsCommand,
  ListPermissionsCommandInput,
  PrincipalResourcePermissions,
  RevokePermissionsCommand,
  UpdateDataCellsFilterCommand,
} from '@aws-sdk/client-lakeformation';
import { assertError } from '@backstage/errors';
import { toBackstageError } from '@datalake-portal/backstage-plugin-datalake-node';
import { FilterDefinition, GrantItem, resourceKey } from './grantPlan';

/** A permission held by a principal on a resource, as Lake Formation lists it. @public */
export type ListedGrant = {
  principal: string;
  key: string;
  permissions: string[];
  resource: PrincipalResourcePermissions['Resource'];
};

function awsName(e: unknown): string {
  assertError(e);
  return e.name;
}

/** @public */
export class LakeFormationGrants {
  /**
   * @param client - the Lake Formation client of `datalake.aws`
   * @param defaultCatalogId - the account whose catalog holds tables whose entity names none
   *   (data cells filters require it)
   */
  constructor(
    private readonly client: () => Promise<LakeFormationClient>,
    private readonly defaultCatalogId: () => Promise<string>,
  ) {}

  /** Creates the filter, or brings an existing one of the same name to this definition. */
  async putFilter(filter: FilterDefinition): Promise<void> {
    const client = await this.client();
    const TableData: DataCellsFilter = {
      TableCatalogId: filter.catalogId ?? (await this.defaultCatalogId()),
      DatabaseName: filter.database,
      TableName: filter.table,
      Name: filter.name,
      RowFilter: { FilterExpression: filter.rowFilter },
      ...(filter.columns
        ? { ColumnNames: filter.columns }
        : {
            ColumnWildcard: {
              ExcludedColumnNames: filter.excludeColumns ?? [],
            },
          }),
    };
    try {
      await client.send(new CreateDataCellsFilterCommand({ TableData }));
    } catch (e) {
      if (awsName(e) !== 'AlreadyExistsException') throw toBackstageError(e);
      try {
        await client.send(new UpdateDataCellsFilterCommand({ TableData }));
      } catch (updateError) {
        throw toBackstageError(updateError);
      }
    }
  }

  async deleteFilter(filter: {
    name: string;
    database: string;
    table: string;
    catalogId?: string;
  }): Promise<void> {
    const client = await this.client();
    try {
      await client.send(
        new DeleteDataCellsFilterCommand({
          ...(filter.catalogId ? { TableCatalogId: filter.catalogId } : {}),
          DatabaseName: filter.database,
          TableName: filter.table,
          Name: filter.name,
        }),
      );
    } catch (e) {
      if (awsName(e) !== 'EntityNotFoundException') throw toBackstageError(e);
    }
  }

  /** Grants every item; granting what is already held is a no-op in Lake Formation. */
  async grant(principal: string, items: GrantItem[]): Promise<void> {
    const client = await this.client();
    for (const item of items) {
      try {
        await client.send(
          new GrantPermissionsCommand({
            Principal: { DataLakePrincipalIdentifier: principal },
            Resource: item.resource,
            Permissions: item.permissions,
          }),
        );
      } catch (e) {
        throw toBackstageError(e);
      }
    }
  }

  /** Revokes every item; what is no longer held (or no longer exists) counts as revoked. */
  async revoke(principal: string, items: GrantItem[]): Promise<void> {
    const client = await this.client();
    for (const item of items) {
      try {
        await client.send(
          new RevokePermissionsCommand({
            Principal: { DataLakePrincipalIdentifier: principal },
            Resource: item.resource,
            Permissions: item.permissions,
          }),
        );
      } catch (e) {
        const name = awsName(e);
        const gone =
          name === 'EntityNotFoundException' ||
          (name === 'InvalidInputException' &&
            /No permissions revoked/i.test((e as Error).message));
        if (!gone) throw toBackstageError(e);
      }
    }
  }

  /** Every grant on a table (its columns and cell filters included) and on its database. */
  async listGrants(database: string, table: string): Promise<ListedGrant[]> {
    const tableGrants = await this.list({
      Resource: { Table: { DatabaseName: database, Name: table } },
      IncludeRelated: 'TRUE',
    });
    const databaseGrants = await this.list({
      Resource: { Database: { Name: database } },
    });
    return [...tableGrants, ...databaseGrants];
  }

  private async list(
    input: ListPermissionsCommandInput,
  ): Promise<ListedGrant[]> {
    const client = await this.client();
    const grants: ListedGrant[] = [];
    let NextToken: string | undefined;
    do {
      let page;
      try {
        page = await client.send(
          new ListPermissionsCommand({ ...input, NextToken }),
        );
      } catch (e) {
        throw toBackstageError(e);
      }
      for (const p of page.PrincipalResourcePermissions ?? []) {
        const key = p.Resource ? resourceKey(p.Resource) : undefined;
        const principal = p.Principal?.DataLakePrincipalIdentifier;
        if (key && principal) {
          grants.push({
            principal,
            key,
            permissions: p.Permissions ?? [],
            resource: p.Resource,
          });
        }
      }
      NextToken = page.NextToken;
    } while (NextToken);
    return grants;
  }
}
