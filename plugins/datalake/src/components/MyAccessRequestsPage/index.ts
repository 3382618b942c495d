export { MyAccessRequestsPage } from './MyAccessRequestsPage';
