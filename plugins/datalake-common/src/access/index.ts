export {
  validateRowFilter,
  MAX_ROW_FILTER_LENGTH,
  type RowFilterValidation,
} from './rowFilter';
