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
  ListPermissionsCommandOutput,
  PrincipalResourcePermissions,
  RevokePermissionsCommand,
  UpdateDataCellsFilterCommand,
} from '@aws-sdk/client-lakeformation';
import { assertError, ServiceUnavailableError } from '@backstage/errors';
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

/**
 * Lake Formation errors that a later attempt can get past: throttling, its internal errors and
 * timeouts, and `ConcurrentModificationException`, which it answers when two permission changes
 * meet on one resource (https://docs.aws.amazon.com/lake-formation/latest/APIReference/API_GrantPermissions.html,
 * "Errors"). The SDK's own retries do not cover the last one.
 */
const TRANSIENT = new Set([
  'ConcurrentModificationException',
  'ThrottlingException',
  'InternalServiceException',
  'OperationTimeoutException',
  'ServiceUnavailableException',
]);

function isTransient(e: unknown): boolean {
  const error = e as {
    name?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const status = error.$metadata?.httpStatusCode;
  return (
    TRANSIENT.has(error.name ?? '') ||
    !!error.$retryable ||
    (status !== undefined && status >= 500)
  );
}

/** How calls are retried: attempts in all, and the first delay, doubled after each failure. */
export type GrantRetryOptions = {
  attempts: number;
  baseDelayMs: number;
  /** Waits; tests may pass a recording one. */
  sleep?: (ms: number) => Promise<void>;
};

const DEFAULT_RETRY: GrantRetryOptions = { attempts: 4, baseDelayMs: 250 };

/** @public */
export class LakeFormationGrants {
  /**
   * @param client - the Lake Formation client of `datalake.aws`
   * @param defaultCatalogId - the account whose catalog holds tables whose entity names none
   *   (data cells filters require it)
   */
  private readonly retry: Required<GrantRetryOptions>;

  constructor(
    private readonly client: () => Promise<LakeFormationClient>,
    private readonly defaultCatalogId: () => Promise<string>,
    retry: Partial<GrantRetryOptions> = {},
  ) {
    this.retry = {
      ...DEFAULT_RETRY,
      sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
      ...retry,
    };
  }

  /**
   * Sends a command, again after a transient error, with exponential backoff and full jitter
   * (each wait a random share of `baseDelayMs * 2^n`), so that a throttled burst of grants spreads
   * out instead of failing the request. Every command here is idempotent, so a retry after a
   * timeout that did land is harmless. A transient error that outlasts the attempts becomes a
   * `ServiceUnavailableError`.
   */
  private async send<T>(command: any): Promise<T> {
    const client = await this.client();
    for (let attempt = 1; ; attempt++) {
      try {
        return (await client.send(command)) as T;
      } catch (e) {
        if (!isTransient(e)) throw e;
        if (attempt >= this.retry.attempts) {
          // Still transient: the request waits for the reconcile job, it is not refused.
          assertError(e);
          throw new ServiceUnavailableError(
            `${e.name}: ${e.message} (after ${attempt} attempts)`,
          );
        }
        const cap = this.retry.baseDelayMs * 2 ** (attempt - 1);
        await this.retry.sleep(Math.round(cap * (0.5 + Math.random() / 2)));
      }
    }
  }

  /** Creates the filter, or brings an existing one of the same name to this definition. */
  async putFilter(filter: FilterDefinition): Promise<void> {
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
      await this.send(new CreateDataCellsFilterCommand({ TableData }));
    } catch (e) {
      if (awsName(e) !== 'AlreadyExistsException') throw toBackstageError(e);
      try {
        await this.send(new UpdateDataCellsFilterCommand({ TableData }));
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
    try {
      await this.send(
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
    for (const item of items) {
      try {
        await this.send(
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
    for (const item of items) {
      try {
        await this.send(
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
    const grants: ListedGrant[] = [];
    let NextToken: string | undefined;
    do {
      let page: ListPermissionsCommandOutput;
      try {
        page = await this.send(
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
