/**
 * The data lake backend plugin: inspects the configured MySQL sources and checks them for CDC.
 *
 * @packageDocumentation
 */
export { datalakePlugin as default } from './plugin';
export { SourceInspectionService } from './services/SourceInspectionService';
