export {
  DatalakeSilverTablePicker,
  datalakeSilverTablePickerValidation,
} from './DatalakeSilverTablePicker';
