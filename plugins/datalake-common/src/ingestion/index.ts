export {
  describeCronExpression,
  toEventBridgeCron,
  validateCronExpression,
} from './cronSchedule';
export { validateScheduleExpression } from './scheduleExpression';
export {
  SILVER_COLUMN_NAME_PATTERN,
  tableBlockers,
  validateSilverColumnName,
  validateSilverColumns,
  validateTableSelection,
} from './ingestionValidation';
export {
  previewGoldColumns,
  type GoldColumnPreview,
  type GoldSqlPreview,
  type SilverColumnSchema,
} from './goldSqlPreview';
export { splitTopLevel, topLevelFrom } from './sqlTopLevel';
