/*
 * Starts the real emulator in-process on a free port with a fresh state directory, the Step
 * Functions and Lake Formation services included, and a fast clock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  Emulator,
  EmulatorOptions,
  RunningEmulator,
  serveEmulator,
} from '../../../core/emulator';
import { glueService } from '../../glue';
import { lakeFormationService } from '../../lakeformation';
import { stepFunctionsService } from '../index';

export const TEST_CLIENT_CONFIG = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
};

/** Only the services these tests need, so that they do not depend on the others. */
export function testServices() {
  return [glueService, stepFunctionsService, lakeFormationService];
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<
  RunningEmulator & {
    stateDir: string;
    clientConfig: typeof TEST_CLIENT_CONFIG & { endpoint: string };
  }
> {
  const stateDir =
    options.stateDir ??
    fs.mkdtempSync(path.join(os.tmpdir(), 'aws-local-test-'));
  const emulator = new Emulator({
    clockSpeed: 100,
    ...options,
    stateDir,
    settings: {
      // State-machine semantics: Glue runs follow a timer unless a test asks for Spark.
      glueJobExecution: 'simulated',
      glueJobStartingMs: 1000,
      glueJobRunningMs: 2000,
      stepFunctionsSyncPollMs: 500,
      ...options.settings,
    },
    services: testServices(),
  });
  const running = await serveEmulator(emulator, { port: 0 });
  return {
    ...running,
    stateDir,
    clientConfig: { ...TEST_CLIENT_CONFIG, endpoint: running.url },
  };
}
