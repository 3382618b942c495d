export type {
  MysqlConnectionOptions,
  MysqlQueryListener,
} from './MysqlSession';
export {
  inspectMysqlSource,
  assertValidTableNames,
  type MysqlInspectionOptions,
} from './inspectMysqlSource';
export {
  checkCdcReadiness,
  inspectAndCheckMysqlSource,
} from './checkCdcReadiness';
export {
  readMysqlSourcesConfig,
  findMysqlSource,
  mysqlConnectionFor,
  toSourceSummary,
  type MysqlSourceConfig,
  type MysqlSourceDmsConfig,
} from './sourcesConfig';
