export * from './landingFiles';
export * from './bronzeBatch';
export * from './DuckDbBronzeReplay';
export * from './DuckDbSilverReplay';
export * from './runReplay';
export { run as runReplayCommand } from './replayCommand';
