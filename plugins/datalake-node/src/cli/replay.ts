/*
 * The `replay` command of `yarn datalake`; the implementation lives in `../replay/replayCommand`.
 */
export { run } from '../replay/replayCommand';
