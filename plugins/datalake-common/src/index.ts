/**
 * Types, constants and permissions shared by the data lake frontend and backend packages.
 *
 * @packageDocumentation
 */

export * from './catalogModel';

export * from './access';
export * from './accessRequests';
export * from './pipeline';
export * from './sources';
export * from './permissions';
export * from './tableParameters';
export * from './tables';
export * from './lineage';
export * from './runs';
export * from './runPermissions';
export * from './ingestion';
