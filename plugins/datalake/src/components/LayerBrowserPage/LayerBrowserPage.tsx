import { useState } from 'react';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
  Select,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  EntityRefLink,
  EntityRefLinks,
  getEntityRelations,
} from '@backstage/plugin-catalog-react';
import {
  DATALAKE_ANNOTATIONS,
  MEDALLION_LAYERS,
  TABLE_ENTITY_TYPES,
} from '@datalake-portal/backstage-plugin-datalake-common';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import useAsync from 'react-use/esm/useAsync';

const OTHER_LAYER = 'other';
const ALL_DATABASES = '*';
const GLUE_DATABASE_TYPE = 'glue-database';

function layerOf(entity: Entity): string {
  const layer = entity.metadata.annotations?.[DATALAKE_ANNOTATIONS.layer];
  return layer && (MEDALLION_LAYERS as readonly string[]).includes(layer)
    ? layer
    : OTHER_LAYER;
}

function databaseOf(entity: Entity): string | undefined {
  return entity.metadata.annotations?.[DATALAKE_ANNOTATIONS.database];
}

function isTable(entity: Entity): boolean {
  return (Object.values(TABLE_ENTITY_TYPES) as unknown[]).includes(
    entity.spec?.type,
  );
}

/**
 * The databases of a layer: those its tables name, and the Glue database entities of that
 * layer, so that a database without tables yet is listed too.
 */
function databasesOf(layer: string, entities: Entity[]): string[] {
  const names = new Set<string>();
  for (const entity of entities) {
    const database =
      entity.spec?.type === GLUE_DATABASE_TYPE
        ? databaseOf(entity) ?? entity.metadata.title ?? entity.metadata.name
        : databaseOf(entity);
    if (database && layerOf(entity) === layer) {
      names.add(database);
    }
  }
  return [...names].sort();
}

const columns: TableColumn<Entity>[] = [
  {
    title: 'Table',
    field: 'metadata.title',
    render: entity => (
      <EntityRefLink entityRef={entity} title={entity.metadata.title} />
    ),
  },
  {
    title: 'Database',
    render: entity =>
      entity.metadata.annotations?.[DATALAKE_ANNOTATIONS.database] ?? '',
  },
  {
    title: 'Format',
    render: entity =>
      entity.spec?.type === TABLE_ENTITY_TYPES.iceberg ? 'Iceberg' : 'Glue',
  },
  {
    title: 'Owner',
    render: entity => (
      <EntityRefLinks
        entityRefs={getEntityRelations(entity, 'ownedBy')}
        defaultKind="group"
      />
    ),
  },
  { title: 'Description', field: 'metadata.description' },
];

/**
 * Browse the lake's tables by medallion layer and Glue database.
 *
 * @public
 */
export function LayerBrowserPage() {
  const catalogApi = useApi(catalogApiRef);
  const [layer, setLayer] = useState<string>(MEDALLION_LAYERS[0]);
  const [database, setDatabase] = useState<string>(ALL_DATABASES);

  const { value, loading, error } = useAsync(async () => {
    const response = await catalogApi.getEntities({
      filter: {
        kind: 'resource',
        'spec.type': [...Object.values(TABLE_ENTITY_TYPES), GLUE_DATABASE_TYPE],
      },
      order: { field: 'metadata.title', order: 'asc' },
    });
    return response.items;
  }, [catalogApi]);

  const layers = [...MEDALLION_LAYERS, OTHER_LAYER];
  const allTables = (value ?? []).filter(isTable);
  const databases = databasesOf(layer, value ?? []);
  const tables = allTables.filter(
    entity =>
      layerOf(entity) === layer &&
      (database === ALL_DATABASES || databaseOf(entity) === database),
  );

  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (!allTables.length) {
    body = (
      <EmptyState
        missing="data"
        title="No lake tables in the catalog yet"
        description="Tables appear here once the datalake catalog provider has synced the Glue Data Catalog (catalog.providers.datalake)."
      />
    );
  } else {
    body = (
      <>
        <Tabs
          value={layer}
          onChange={(_event, next) => {
            setLayer(next);
            setDatabase(ALL_DATABASES);
          }}
          indicatorColor="primary"
        >
          {layers.map(name => (
            <Tab
              key={name}
              value={name}
              label={`${name} (${
                allTables.filter(entity => layerOf(entity) === name).length
              })`}
            />
          ))}
        </Tabs>
        <Select
          native
          label="Database"
          data-testid="database-filter"
          items={[
            { label: 'All databases', value: ALL_DATABASES },
            ...databases.map(name => ({ label: name, value: name })),
          ]}
          selected={database}
          onChange={next => setDatabase(String(next))}
        />
        <Table<Entity>
          title={`${layer} tables${
            database === ALL_DATABASES ? '' : ` in ${database}`
          }`}
          options={{ paging: tables.length > 20, pageSize: 20, search: true }}
          columns={columns}
          data={tables.map(entity => ({
            ...entity,
            id: stringifyEntityRef(entity),
          }))}
        />
      </>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Data lake"
        subtitle="Bronze, silver and gold tables from the Glue Data Catalog"
      />
      <Content>{body}</Content>
    </Page>
  );
}
