export {
  AccessRequestTable,
  describeGrantee,
  describeScope,
  shortRef,
  type AccessRequestAction,
} from './AccessRequestTable';
export { RequestActionOutcomeMessage } from './RequestActionOutcomeMessage';
export { useRequestAction } from './useRequestAction';
export { useAccessRequests } from './useAccessRequests';
export { AccessRequestsPage } from './AccessRequestsPage';
