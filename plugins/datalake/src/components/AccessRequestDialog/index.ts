export {
  AccessRequestDialog,
  type AccessRequestDialogProps,
} from './AccessRequestDialog';
