/*
 * Runs a scaffolder action's handler outside the scaffolder, as the seed's own "template": a
 * context with the input, a console logger, collected outputs and in-memory checkpoints.
 */
import os from 'node:os';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';

export type SeedLogger = {
  info(message: string): void;
  warn(message: string): void;
};

export async function runAction(
  action: TemplateAction<any, any, any>,
  input: Record<string, unknown>,
  logger: SeedLogger,
): Promise<Record<string, any>> {
  const outputs: Record<string, any> = {};
  const log = (level: 'info' | 'warn') => (message: string) =>
    logger[level](`[${action.id}] ${message}`);
  const actionLogger: any = {
    info: log('info'),
    warn: log('warn'),
    error: log('warn'),
    debug: () => {},
    child: () => actionLogger,
  };
  const ctx: any = {
    input,
    logger: actionLogger,
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
    checkpoint: async ({ fn }: { fn: () => Promise<unknown> }) => fn(),
    createTemporaryDirectory: async () => os.tmpdir(),
    workspacePath: os.tmpdir(),
    isDryRun: false,
    task: { id: 'demo-seed' },
    getInitiatorCredentials: async () => ({
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'none' },
    }),
  };
  await action.handler(ctx);
  return outputs;
}
