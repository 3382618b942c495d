/**
 * Seeds a running local AWS emulator with the Sakila demo lake through the product's scaffolder
 * actions and AWS access layer.
 *
 * @packageDocumentation
 */
export { seedDemoLake } from './seedDemoLake';
export type { SeedOptions, SeedResult, MysqlTarget } from './seedDemoLake';
export { main } from './cli';
export { applyDemoChanges, type DemoChanges } from './demoChanges';
export { main as demoChangesMain } from './demoChangesCli';
