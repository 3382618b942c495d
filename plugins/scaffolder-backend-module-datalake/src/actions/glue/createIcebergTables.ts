import {
  CreateDatabaseCommand,
  CreateTableCommand,
  GetDatabaseCommand,
  GetTableCommand,
  GlueClient,
  Table,
} from '@aws-sdk/client-glue';
import { ConflictError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { DATALAKE_TABLE_PARAMETERS } from '@datalake-portal/backstage-plugin-datalake-common';
import {
  callAws,
  differingFields,
  findAws,
  PipelineActionOptions,
} from './actionSupport';
import { examples } from './createIcebergTables.examples';
import {
  createTableInput,
  IcebergTableDefinition,
  icebergTypeToGlue,
  pipelineTables,
} from './icebergTables';
import { LakeLayer, requirePipelineConfig } from './pipelineConfig';
import { pipelineInputFields } from './pipelineInputSchema';
import { PipelineInput, resolvePipeline } from './pipelineSpecs';

type TableOutcome = {
  layer: LakeLayer;
  database: string;
  table: string;
  location: string;
  arn: string;
  metadataLocation: string;
  status: 'created' | 'unchanged';
};

/** What must match for an existing table to count as this one. */
function comparable(table: Pick<Table, 'StorageDescriptor' | 'Parameters'>) {
  const parameters = table.Parameters ?? {};
  return {
    location: table.StorageDescriptor?.Location?.replace(/\/+$/, ''),
    columns: (table.StorageDescriptor?.Columns ?? []).map(
      c => `${c.Name} ${c.Type}`,
    ),
    tableType: parameters.table_type?.toUpperCase(),
    ...Object.fromEntries(
      Object.values(DATALAKE_TABLE_PARAMETERS).map(p => [p, parameters[p]]),
    ),
  };
}

function wanted(definition: IcebergTableDefinition) {
  return comparable({
    StorageDescriptor: {
      Location: definition.location,
      Columns: definition.columns.map(c => ({
        Name: c.name,
        Type: icebergTypeToGlue(c.icebergType),
      })),
    },
    Parameters: { ...definition.parameters, table_type: 'ICEBERG' },
  });
}

async function ensureDatabase(
  glue: GlueClient,
  name: string,
  layer: LakeLayer,
  sourceId: string,
): Promise<'created' | 'unchanged'> {
  const found = await findAws(() =>
    glue.send(new GetDatabaseCommand({ Name: name })),
  );
  if (found) return 'unchanged';
  try {
    await callAws(() =>
      glue.send(
        new CreateDatabaseCommand({
          DatabaseInput: {
            Name: name,
            Description: `${layer} layer of the data lake source ${sourceId}`,
            Parameters: {
              [DATALAKE_TABLE_PARAMETERS.layer]: layer,
              [DATALAKE_TABLE_PARAMETERS.source]: sourceId,
            },
          },
        }),
      ),
    );
    return 'created';
  } catch (error) {
    // Another task created it between our read and our create: that is what we wanted.
    if ((error as Error).name === 'ConflictError') return 'unchanged';
    throw error;
  }
}

/**
 * `datalake:glue:iceberg-table:create`: creates the bronze, silver and gold Iceberg tables of a
 * source's pipeline in the Glue catalog. An existing table with the same definition is left alone;
 * one with another definition is a conflict (nothing is changed).
 *
 * @public
 */
export function createIcebergTableCreateAction(options: PipelineActionOptions) {
  return createTemplateAction({
    id: 'datalake:glue:iceberg-table:create',
    description:
      'Creates the bronze (with the _dl_* change columns), silver and gold Iceberg v2 tables of a source in the Glue catalog, with databases and S3 locations from datalake.pipeline, write modes, partition specs and the lineage parameters the catalog reads. Idempotent; a table that exists with another definition is a conflict.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...pipelineInputFields,
        owner: z =>
          z
            .string()
            .regex(/^group:[a-z0-9-]+\/[a-z0-9-_.]+$/i)
            .describe(
              'Owning group entity ref, e.g. group:default/data-engineering',
            ),
      },
      output: {
        databases: z =>
          z.array(z.string()).describe('The Glue databases of the tables'),
        tables: z =>
          z
            .array(
              z.object({
                layer: z.enum(['bronze', 'silver', 'gold']),
                database: z.string(),
                table: z.string(),
                location: z.string(),
                arn: z.string(),
                metadataLocation: z.string(),
                status: z.enum(['created', 'unchanged', 'dry-run']),
              }),
            )
            .describe('Every table with its ARN and current metadata.json'),
        createdCount: z =>
          z.number().describe('How many tables this run created'),
      },
    },
    async handler(ctx) {
      const config = requirePipelineConfig(options.pipeline);
      const pipeline = resolvePipeline(ctx.input as PipelineInput, config);
      const definitions = pipelineTables(pipeline, ctx.input.owner);
      const databases = [
        ...new Map(definitions.map(d => [d.database, d.layer])).entries(),
      ];
      ctx.output(
        'databases',
        databases.map(([name]) => name),
      );

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would ensure ${
            definitions.length
          } Iceberg tables in ${databases.map(([name]) => name).join(', ')}`,
        );
        ctx.output(
          'tables',
          definitions.map(d => ({
            layer: d.layer,
            database: d.database,
            table: d.table,
            location: d.location,
            arn: `dry-run:${d.database}.${d.table}`,
            metadataLocation: '',
            status: 'dry-run' as const,
          })),
        );
        ctx.output('createdCount', 0);
        return;
      }

      const glue = await options.aws.glue();
      const region = await glue.config.region();
      for (const [name, layer] of databases) {
        await ctx.checkpoint({
          key: `datalake-glue-database-${name}`,
          fn: () => ensureDatabase(glue, name, layer, pipeline.sourceId),
        });
      }

      const outcomes: TableOutcome[] = [];
      for (const definition of definitions) {
        const id = `${definition.database}.${definition.table}`;
        const outcome = await ctx.checkpoint({
          key: `datalake-glue-iceberg-table-${id}`,
          fn: async (): Promise<TableOutcome> => {
            const read = () =>
              findAws(() =>
                glue.send(
                  new GetTableCommand({
                    DatabaseName: definition.database,
                    Name: definition.table,
                  }),
                ),
              );
            let status: TableOutcome['status'] = 'unchanged';
            let found = (await read())?.Table;
            if (found) {
              const fields = differingFields(
                wanted(definition),
                comparable(found),
              );
              if (fields.length > 0) {
                throw new ConflictError(
                  `Glue table ${id} already exists with a different ${fields.join(
                    ', ',
                  )}; this action does not alter existing tables (nothing was changed)`,
                );
              }
              ctx.logger.info(
                `Iceberg table ${id} already exists with the same definition`,
              );
            } else {
              await callAws(() =>
                glue.send(
                  new CreateTableCommand(createTableInput(definition, config)),
                ),
              );
              ctx.logger.info(
                `Created Iceberg table ${id} at ${definition.location}`,
              );
              status = 'created';
              found = (await read())?.Table;
            }
            return {
              layer: definition.layer,
              database: definition.database,
              table: definition.table,
              location: definition.location,
              arn: `arn:aws:glue:${region}:${found?.CatalogId}:table/${definition.database}/${definition.table}`,
              metadataLocation: found?.Parameters?.metadata_location ?? '',
              status,
            };
          },
        });
        outcomes.push(outcome);
      }
      ctx.output('tables', outcomes);
      ctx.output(
        'createdCount',
        outcomes.filter(o => o.status === 'created').length,
      );
    },
  });
}
