import { ServiceContext } from '../../core/types';
import { pageSize, paginate } from '../../core/pagination';
import {
  alreadyExists,
  invalidInput,
  catalogName,
  collections,
  glueArn,
  notFound,
  nowSeconds,
} from './common';
import { putTags } from './tags';

export interface StoredDatabase {
  Name: string;
  Description?: string;
  LocationUri?: string;
  Parameters?: Record<string, string>;
  CreateTime: number;
  CreateTableDefaultPermissions?: unknown[];
  CatalogId: string;
}

const databases = (ctx: ServiceContext) =>
  ctx.state.collection<StoredDatabase>(collections.databases);

export function getDatabaseOrThrow(ctx: ServiceContext, name: string) {
  const database = databases(ctx).get(name);
  if (!database) throw notFound(`Database ${name} not found.`);
  return database;
}

function fromInput(
  ctx: ServiceContext,
  input: any,
  createTime: number,
): StoredDatabase {
  const name = catalogName(input, 'Name');
  return {
    Name: name,
    Description: input.Description,
    LocationUri: input.LocationUri,
    Parameters: input.Parameters ?? {},
    CreateTime: createTime,
    CreateTableDefaultPermissions: input.CreateTableDefaultPermissions ?? [
      {
        Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' },
        Permissions: ['ALL'],
      },
    ],
    CatalogId: ctx.accountId,
  };
}

export const databaseOperations = {
  CreateDatabase(input: any, ctx: ServiceContext) {
    const database = fromInput(ctx, input.DatabaseInput, nowSeconds(ctx));
    if (databases(ctx).has(database.Name)) {
      throw alreadyExists(`Database already exists.`);
    }
    databases(ctx).put(database.Name, database);
    if (input.Tags) {
      putTags(ctx, glueArn(ctx, `database/${database.Name}`), input.Tags);
    }
    return {};
  },

  GetDatabase(input: any, ctx: ServiceContext) {
    return { Database: getDatabaseOrThrow(ctx, catalogName(input, 'Name')) };
  },

  GetDatabases(input: any, ctx: ServiceContext) {
    const limit = pageSize(input.MaxResults, {
      min: 1,
      max: 100,
      fallback: 100,
      field: 'maxResults',
    });
    const { page, nextToken } = paginate(
      databases(ctx).values(),
      database => database.Name,
      limit,
      input.NextToken,
    );
    return { DatabaseList: page, NextToken: nextToken };
  },

  UpdateDatabase(input: any, ctx: ServiceContext) {
    const name = catalogName(input, 'Name');
    const existing = getDatabaseOrThrow(ctx, name);
    const updated = fromInput(ctx, input.DatabaseInput, existing.CreateTime);
    if (updated.Name !== name) {
      throw invalidInput(`Renaming a database is not supported.`);
    }
    databases(ctx).put(name, updated);
    return {};
  },

  DeleteDatabase(input: any, ctx: ServiceContext) {
    const name = catalogName(input, 'Name');
    getDatabaseOrThrow(ctx, name);
    // Like Glue, deleting a database removes its tables and their versions.
    for (const collection of [collections.tables, collections.tableVersions]) {
      const coll = ctx.state.collection<unknown>(collection);
      for (const key of coll.keys().filter(k => k.startsWith(`${name}/`))) {
        coll.delete(key);
      }
    }
    databases(ctx).delete(name);
    return {};
  },
};
