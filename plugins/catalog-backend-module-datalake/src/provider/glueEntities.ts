import type { Database, Table } from '@aws-sdk/client-glue';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  DATALAKE_ANNOTATIONS,
  DATALAKE_TABLE_PARAMETERS,
  parseUpstreamParameter,
  TABLE_ENTITY_TYPES,
  TableColumn,
  providerLocation,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { entityNameFor } from './entityNames';

/** Where the entities of one provider come from. */
export interface EntitySource {
  providerId: string;
  namespace: string;
  accountId: string;
  region: string;
}

/** A Glue database with what the provider's rules decided about it. */
export interface ResolvedDatabase {
  database: Database;
  layer?: string;
  owner: string;
}

export const GLUE_DATABASE_TYPE = 'glue-database';

function isIceberg(table: Table): boolean {
  return (table.Parameters?.table_type ?? '').toUpperCase() === 'ICEBERG';
}

function columnsOf(table: Table): TableColumn[] {
  const toColumn = (
    c: {
      Name?: string;
      Type?: string;
      Comment?: string;
      Parameters?: Record<string, string>;
    },
    partition: boolean,
  ): TableColumn => ({
    name: c.Name ?? '',
    type: c.Type ?? 'unknown',
    // Iceberg's Glue catalog records nullability as `iceberg.field.optional`; Hive tables have
    // no notion of it, so their columns are nullable.
    nullable: c.Parameters?.['iceberg.field.optional'] !== 'false',
    ...(c.Comment ? { comment: c.Comment } : {}),
    partition,
  });
  return [
    ...(table.StorageDescriptor?.Columns ?? []).map(c => toColumn(c, false)),
    ...(table.PartitionKeys ?? []).map(c => toColumn(c, true)),
  ].filter(c => c.name);
}

/** A tag valid under Backstage's rules (lower case, `[a-z0-9+#-]`, at most 63 characters). */
function tag(value: string): string {
  return value
    .toLocaleLowerCase('en-US')
    .replace(/[^a-z0-9+#-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

function s3ConsoleUrl(location: string): string | undefined {
  const match = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (!match) {
    return undefined;
  }
  const [, bucket, prefix] = match;
  return `https://s3.console.aws.amazon.com/s3/buckets/${encodeURIComponent(
    bucket,
  )}?prefix=${encodeURIComponent(prefix)}`;
}

function managedBy(source: EntitySource): Record<string, string> {
  const location = providerLocation(source.providerId);
  return {
    [ANNOTATION_LOCATION]: location,
    [ANNOTATION_ORIGIN_LOCATION]: location,
  };
}

/** The entity ref of a table entity, for relations between tables. */
export function tableEntityRef(
  source: Pick<EntitySource, 'namespace'>,
  database: string,
  table: string,
): string {
  return stringifyEntityRef({
    kind: 'resource',
    namespace: source.namespace,
    name: entityNameFor(database, table),
  });
}

/** The catalog entity of a Glue database. */
export function databaseEntity(
  resolved: ResolvedDatabase,
  source: EntitySource,
): Entity {
  const name = resolved.database.Name ?? '';
  const annotations: Record<string, string> = {
    ...managedBy(source),
    [DATALAKE_ANNOTATIONS.database]: name,
  };
  if (resolved.layer) {
    annotations[DATALAKE_ANNOTATIONS.layer] = resolved.layer;
  }
  if (resolved.database.LocationUri) {
    annotations[DATALAKE_ANNOTATIONS.location] = resolved.database.LocationUri;
  }
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: entityNameFor(name),
      namespace: source.namespace,
      title: name,
      ...(resolved.database.Description
        ? { description: resolved.database.Description }
        : {}),
      annotations,
      tags: [resolved.layer, 'glue-database']
        .filter((t): t is string => !!t)
        .map(tag),
      links: [
        {
          url: `https://${
            source.region
          }.console.aws.amazon.com/glue/home?region=${
            source.region
          }#/v2/data-catalog/databases/view/${encodeURIComponent(name)}`,
          title: 'Glue console',
        },
      ],
    },
    spec: {
      type: GLUE_DATABASE_TYPE,
      owner: resolved.owner,
    },
  };
}

/** The catalog entity of a Glue table. */
export function tableEntity(
  table: Table,
  resolved: ResolvedDatabase,
  source: EntitySource,
  ownerParameter: string,
): Entity {
  const database = resolved.database.Name ?? table.DatabaseName ?? '';
  const tableName = table.Name ?? '';
  const parameters = table.Parameters ?? {};
  const iceberg = isIceberg(table);
  const location = table.StorageDescriptor?.Location;
  const accountId = table.CatalogId ?? source.accountId;

  const annotations: Record<string, string> = {
    ...managedBy(source),
    [DATALAKE_ANNOTATIONS.database]: database,
    [DATALAKE_ANNOTATIONS.tableArn]: `arn:aws:glue:${source.region}:${accountId}:table/${database}/${tableName}`,
  };
  const layer = parameters[DATALAKE_TABLE_PARAMETERS.layer] ?? resolved.layer;
  if (layer) {
    annotations[DATALAKE_ANNOTATIONS.layer] = layer;
  }
  if (location) {
    annotations[DATALAKE_ANNOTATIONS.location] = location;
  }
  if (parameters.metadata_location) {
    annotations[DATALAKE_ANNOTATIONS.metadataLocation] =
      parameters.metadata_location;
  }
  const formatVersion = parameters['format-version'];
  if (iceberg && formatVersion) {
    annotations[DATALAKE_ANNOTATIONS.icebergFormatVersion] = formatVersion;
  }

  const upstream = parseUpstreamParameter(
    parameters[DATALAKE_TABLE_PARAMETERS.upstream],
  );
  const dependsOn = upstream.map(ref =>
    ref.kind === 'glue'
      ? tableEntityRef(source, ref.database, ref.table)
      : stringifyEntityRef({
          kind: 'resource',
          namespace: source.namespace,
          name: entityNameFor('mysql', ref.sourceId),
        }),
  );
  const sourceId = parameters[DATALAKE_TABLE_PARAMETERS.source];

  const links = [
    {
      url: `https://${source.region}.console.aws.amazon.com/glue/home?region=${
        source.region
      }#/v2/data-catalog/tables/view/${encodeURIComponent(
        tableName,
      )}?database=${encodeURIComponent(database)}`,
      title: 'Glue console',
    },
  ];
  const s3Url = location ? s3ConsoleUrl(location) : undefined;
  if (s3Url) {
    links.push({ url: s3Url, title: 'S3 location' });
  }

  const format = iceberg
    ? 'iceberg'
    : parameters.classification ?? table.TableType ?? 'glue';
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: entityNameFor(database, tableName),
      namespace: source.namespace,
      title: `${database}.${tableName}`,
      ...(table.Description ? { description: table.Description } : {}),
      annotations,
      tags: [layer, format].filter((t): t is string => !!t).map(tag),
      links,
    },
    spec: {
      type: iceberg ? TABLE_ENTITY_TYPES.iceberg : TABLE_ENTITY_TYPES.glue,
      owner: parameters[ownerParameter] ?? resolved.owner,
      ...(sourceId
        ? {
            system: stringifyEntityRef({
              kind: 'system',
              namespace: source.namespace,
              name: entityNameFor(sourceId),
            }),
          }
        : {}),
      ...(dependsOn.length
        ? { dependsOn: [...new Set(dependsOn)].sort() }
        : {}),
      columns: columnsOf(table),
    },
  };
}
