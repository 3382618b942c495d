export {
  DatalakeTablePicker,
  datalakeTablePickerValidation,
} from './DatalakeTablePicker';
