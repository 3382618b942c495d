export { AccessApprovalsPage } from './AccessApprovalsPage';
