import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { EmulatorOptions, RunningEmulator } from '../core/emulator';
import { startEmulator } from '../start';

/** SDK client settings for an emulator: endpoint override, dummy credentials, one region. */
export function clientConfig(running: RunningEmulator) {
  return {
    endpoint: running.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    forcePathStyle: true,
  };
}

export function makeStateDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'aws-local-test-'));
}

/** Starts an emulator on a free port with a fast clock and a fresh state directory. */
export async function startTestEmulator(
  options: EmulatorOptions = {},
): Promise<RunningEmulator> {
  return startEmulator({
    port: 0,
    stateDir: options.stateDir ?? makeStateDir(),
    clockSpeed: 1000,
    ...options,
  });
}

/** Calls an admin route (`/_aws-local/...`), which is plain JSON over HTTP, not an AWS API. */
export function admin(
  running: RunningEmulator,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${running.url}/_aws-local/${route}`,
      { method, headers: { 'content-type': 'application/json' } },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Polls `read` until `done` holds for its result, or fails after `timeoutMs`. */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out; last value: ${JSON.stringify(value)}`);
    }
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
