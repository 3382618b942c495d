export { datalakeApiRef, type DatalakeApi } from './DatalakeApi';
export { DatalakeClient } from './DatalakeClient';
