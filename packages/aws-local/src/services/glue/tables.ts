import { AwsError, ServiceContext } from '../../core/types';
import { pageSize, paginate } from '../../core/pagination';
import {
  alreadyExists,
  catalogName,
  collections,
  glueArn,
  invalidInput,
  notFound,
  nowSeconds,
  withPrefix,
} from './common';
import { getDatabaseOrThrow } from './databases';
import { tableNameMatcher } from './expression';
import { writeInitialIcebergMetadata } from './iceberg';
import { deleteTags } from './tags';

interface TableFields {
  Name: string;
  DatabaseName: string;
  CatalogId: string;
  TableType?: string;
  Parameters?: Record<string, string>;
  StorageDescriptor?: {
    Columns?: { Name: string; Type: string }[];
    Location?: string;
  };
  IsRegisteredWithLakeFormation: boolean;
  [field: string]: unknown;
}

export interface StoredTable extends TableFields {
  VersionId: string;
  CreateTime: number;
  UpdateTime: number;
}

interface StoredTableVersion {
  Table: StoredTable;
  VersionId: string;
}

const tables = (ctx: ServiceContext) =>
  ctx.state.collection<StoredTable>(collections.tables);
const versions = (ctx: ServiceContext) =>
  ctx.state.collection<StoredTableVersion>(collections.tableVersions);

const tableKey = (database: string, name: string) => `${database}/${name}`;
// Inverted, zero-padded version numbers make key order newest-first.
const versionKey = (database: string, name: string, versionId: string) =>
  `${database}/${name}/${String(9_999_999_999 - Number(versionId)).padStart(
    10,
    '0',
  )}`;

function getTableOrThrow(ctx: ServiceContext, database: string, name: string) {
  getDatabaseOrThrow(ctx, database);
  const table = tables(ctx).get(tableKey(database, name));
  if (!table) throw notFound(`Table ${name} not found.`);
  return table;
}

/** The TableInput members Glue stores as given (everything but the computed ones). */
function fromTableInput(
  tableInput: any,
  database: string,
  ctx: ServiceContext,
): TableFields {
  if (typeof tableInput !== 'object' || tableInput === null) {
    throw invalidInput('TableInput is required');
  }
  const name = catalogName(tableInput, 'Name');
  const {
    Name: _name,
    DatabaseName: _db,
    CatalogId: _catalog,
    VersionId: _version,
    CreateTime: _created,
    UpdateTime: _updated,
    ...rest
  } = tableInput;
  return {
    ...rest,
    Name: name,
    DatabaseName: database,
    CatalogId: ctx.accountId,
    Parameters: tableInput.Parameters ?? {},
    IsRegisteredWithLakeFormation: false,
  };
}

function storeVersion(ctx: ServiceContext, table: StoredTable) {
  versions(ctx).put(
    versionKey(table.DatabaseName, table.Name, table.VersionId),
    { Table: table, VersionId: table.VersionId },
  );
}

export const tableOperations = {
  async CreateTable(input: any, ctx: ServiceContext) {
    const database = catalogName(input, 'DatabaseName');
    getDatabaseOrThrow(ctx, database);
    const base = fromTableInput(input.TableInput, database, ctx);
    const key = tableKey(database, base.Name);
    if (tables(ctx).has(key)) {
      throw alreadyExists(`Table already exists.`);
    }
    const iceberg = input.OpenTableFormatInput?.IcebergInput;
    if (iceberg) {
      const location = base.StorageDescriptor?.Location;
      if (!location) {
        throw invalidInput(
          'StorageDescriptor.Location is required for an Iceberg table',
        );
      }
      if (iceberg.MetadataOperation && iceberg.MetadataOperation !== 'CREATE') {
        throw invalidInput(
          `Unsupported MetadataOperation ${iceberg.MetadataOperation}`,
        );
      }
      const metadataLocation = await writeInitialIcebergMetadata(
        ctx,
        location,
        base.StorageDescriptor?.Columns ?? [],
        iceberg.Version ?? '2',
        iceberg.CreateIcebergTableInput,
      );
      // Checked again: the metadata write awaited, and a concurrent create may have won.
      if (tables(ctx).has(key)) {
        throw alreadyExists(`Table already exists.`);
      }
      base.TableType = 'EXTERNAL_TABLE';
      base.Parameters = {
        ...base.Parameters,
        table_type: 'ICEBERG',
        metadata_location: metadataLocation,
      };
    }
    const now = nowSeconds(ctx);
    const table: StoredTable = {
      ...base,
      VersionId: '0',
      CreateTime: now,
      UpdateTime: now,
    };
    tables(ctx).put(key, table);
    storeVersion(ctx, table);
    return {};
  },

  GetTable(input: any, ctx: ServiceContext) {
    const database = catalogName(input, 'DatabaseName');
    return {
      Table: getTableOrThrow(ctx, database, catalogName(input, 'Name')),
    };
  },

  GetTables(input: any, ctx: ServiceContext) {
    const database = catalogName(input, 'DatabaseName');
    getDatabaseOrThrow(ctx, database);
    const limit = pageSize(input.MaxResults, {
      min: 1,
      max: 100,
      fallback: 100,
      field: 'maxResults',
    });
    let candidates = withPrefix(tables(ctx), `${database}/`);
    const matcher = tableNameMatcher(input.Expression);
    if (matcher === null) {
      throw invalidInput(`Invalid Expression '${input.Expression}'`);
    }
    if (matcher) {
      candidates = candidates.filter(table => matcher.test(table.Name));
    }
    const { page, nextToken } = paginate(
      candidates,
      table => table.Name,
      limit,
      input.NextToken,
    );
    return { TableList: page, NextToken: nextToken };
  },

  UpdateTable(input: any, ctx: ServiceContext) {
    const database = catalogName(input, 'DatabaseName');
    const name = catalogName(input.TableInput, 'Name');
    const current = getTableOrThrow(ctx, database, name);
    if (
      input.VersionId !== undefined &&
      input.VersionId !== current.VersionId
    ) {
      throw new AwsError(
        'ConcurrentModificationException',
        `Table ${name} was modified: expected version ${input.VersionId}, current version is ${current.VersionId}.`,
      );
    }
    const updated: StoredTable = {
      ...fromTableInput(input.TableInput, database, ctx),
      VersionId: String(Number(current.VersionId) + 1),
      CreateTime: current.CreateTime,
      UpdateTime: nowSeconds(ctx),
    };
    if (input.SkipArchive) {
      versions(ctx).delete(versionKey(database, name, current.VersionId));
    }
    tables(ctx).put(tableKey(database, name), updated);
    storeVersion(ctx, updated);
    return {};
  },

  DeleteTable(input: any, ctx: ServiceContext) {
    const database = catalogName(input, 'DatabaseName');
    const name = catalogName(input, 'Name');
    getTableOrThrow(ctx, database, name);
    deleteTable(ctx, database, name);
    return {};
  },

  BatchDeleteTable(input: any, ctx: ServiceContext) {
    const database = catalogName(input, 'DatabaseName');
    getDatabaseOrThrow(ctx, database);
    const errors = [];
    for (const requested of input.TablesToDelete ?? []) {
      const name = String(requested).toLowerCase();
      if (!tables(ctx).has(tableKey(database, name))) {
        errors.push({
          TableName: requested,
          ErrorDetail: {
            ErrorCode: 'EntityNotFoundException',
            ErrorMessage: `Table ${name} not found.`,
          },
        });
        continue;
      }
      deleteTable(ctx, database, name);
    }
    return { Errors: errors };
  },

  GetTableVersions(input: any, ctx: ServiceContext) {
    const database = catalogName(input, 'DatabaseName');
    const name = catalogName(input, 'TableName');
    getTableOrThrow(ctx, database, name);
    const limit = pageSize(input.MaxResults, {
      min: 1,
      max: 100,
      fallback: 100,
      field: 'maxResults',
    });
    const { page, nextToken } = paginate(
      withPrefix(versions(ctx), `${database}/${name}/`),
      version => versionKey(database, name, version.VersionId),
      limit,
      input.NextToken,
    );
    return { TableVersions: page, NextToken: nextToken };
  },
};

function deleteTable(ctx: ServiceContext, database: string, name: string) {
  tables(ctx).delete(tableKey(database, name));
  for (const key of versions(ctx)
    .keys()
    .filter(k => k.startsWith(`${database}/${name}/`))) {
    versions(ctx).delete(key);
  }
  deleteTags(ctx, glueArn(ctx, `table/${database}/${name}`));
}
