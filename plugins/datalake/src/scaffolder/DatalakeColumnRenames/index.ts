export {
  DatalakeColumnRenames,
  datalakeColumnRenamesValidation,
} from './DatalakeColumnRenames';
