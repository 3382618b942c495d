/***/
/**
 * The datalake backend module for the catalog plugin.
 *
 * @packageDocumentation
 */

export { catalogModuleDatalake as default } from './module';
