/*
 * The backend the catalog benchmark measures: the catalog plugin with the datalake module, on
 * the configuration files given with --config. Run in its own process so that its memory is
 * measured apart from the emulator and the benchmark driver.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@datalake-portal/backstage-plugin-catalog-backend-module-datalake'),
);
backend.start();
