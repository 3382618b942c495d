import {
  Emulator,
  EmulatorOptions,
  RunningEmulator,
  serveEmulator,
} from './core/emulator';
import { allServices } from './services';

/**
 * Starts the emulator on 127.0.0.1 (port 4566 by default, 0 for a free one) with every
 * service, and resolves once it listens.
 * @public
 */
export async function startEmulator(
  options: EmulatorOptions = {},
): Promise<RunningEmulator> {
  const emulator = new Emulator({
    ...options,
    services: options.services ?? allServices,
  });
  return serveEmulator(emulator, { port: options.port, host: options.host });
}
