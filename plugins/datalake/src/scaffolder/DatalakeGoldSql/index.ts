export { DatalakeGoldSql, datalakeGoldSqlValidation } from './DatalakeGoldSql';
