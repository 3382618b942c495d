export { datalakePlugin as default } from './plugin';
