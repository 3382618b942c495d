import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  CdcPreflightReport,
  SourceInspectionReport,
  SourceSummary,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  checkCdcReadiness,
  findMysqlSource,
  inspectMysqlSource,
  mysqlConnectionFor,
  MysqlSourceConfig,
  readMysqlSourcesConfig,
  toSourceSummary,
} from '@datalake-portal/backstage-plugin-datalake-node';

/**
 * Inspects the MySQL sources configured under `datalake.sources` and checks them for CDC. Sources
 * are addressed by id only: hosts and credentials never come from a request.
 *
 * @public
 */
export class SourceInspectionService {
  static fromConfig(
    config: RootConfigService,
    options: { logger: LoggerService },
  ): SourceInspectionService {
    return new SourceInspectionService(
      readMysqlSourcesConfig(config),
      options.logger,
    );
  }

  constructor(
    private readonly sources: readonly MysqlSourceConfig[],
    private readonly logger: LoggerService,
  ) {}

  listSources(): SourceSummary[] {
    return this.sources.map(toSourceSummary);
  }

  /** Throws `NotFoundError` for an unknown id. */
  getSource(id: string): SourceSummary {
    return toSourceSummary(findMysqlSource(this.sources, id));
  }

  /** The source of this id, or `undefined` (for the permission framework's resource lookups). */
  findSource(id: string): SourceSummary | undefined {
    const source = this.sources.find(s => s.id === id);
    return source ? toSourceSummary(source) : undefined;
  }

  async inspect(
    id: string,
    tables?: string[],
  ): Promise<SourceInspectionReport> {
    const source = findMysqlSource(this.sources, id);
    const report = await inspectMysqlSource(mysqlConnectionFor(source), {
      tables,
    });
    this.logger.info(`Inspected source ${id}`, {
      tables: report.tables.length,
      queries: report.queryCount,
    });
    return report;
  }

  async preflight(id: string, tables?: string[]): Promise<CdcPreflightReport> {
    const source = findMysqlSource(this.sources, id);
    const report = await checkCdcReadiness(mysqlConnectionFor(source), {
      tables,
    });
    this.logger.info(`CDC preflight of source ${id}`, {
      ready: report.ready,
      blockers: report.findings.filter(f => f.severity === 'blocker').length,
    });
    return report;
  }
}
