import {
  assertGoldSql,
  GoldSqlScope,
} from '@datalake-portal/backstage-plugin-datalake-node';
import { PipelineConfig } from './pipelineConfig';
import { ResolvedGoldTable, ResolvedPipeline } from './pipelineSpecs';

/**
 * What a gold table's SQL may read: the silver tables of the pipeline it declares as upstream,
 * named in the pipeline's silver database, in the job's Iceberg catalog.
 */
export function goldSqlScope(
  pipeline: ResolvedPipeline,
  gold: Pick<ResolvedGoldTable, 'upstreamTables'>,
  config: PipelineConfig,
  allowedTables?: readonly string[],
): GoldSqlScope {
  const silverDatabase =
    pipeline.specs[0]?.silver.database ??
    gold.upstreamTables[0]?.split('.')[0] ??
    '';
  return {
    silverDatabase,
    allowedTables:
      allowedTables ?? gold.upstreamTables.map(t => t.split('.').pop()!),
    catalogs: [config.glue.catalog],
  };
}

/**
 * Checks the SQL of every gold table of a resolved pipeline against its declared upstream, as the
 * gold-table plan did: a pipeline input can be written by hand, so the job action checks again
 * before it renders a job that runs the SQL under the job's role.
 */
export function assertPipelineGoldSql(
  pipeline: ResolvedPipeline,
  config: PipelineConfig,
) {
  for (const gold of pipeline.gold) {
    assertGoldSql(
      gold.sql,
      goldSqlScope(pipeline, gold, config),
      `gold table '${gold.table}' SQL`,
    );
  }
}
