export {
  AccessRequestTable,
  describeScope,
  type AccessRequestAction,
} from './AccessRequestTable';
