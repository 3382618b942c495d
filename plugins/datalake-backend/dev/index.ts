import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';

// Standalone development backend for the plugin: `yarn start` in this package, with
// `datalake.sources` in an app-config.local.yaml, then for example
//
//   curl http://localhost:7007/api/datalake/v1/sources
//   curl -X POST http://localhost:7007/api/datalake/v1/sources/<id>/preflight \
//        -H 'Content-Type: application/json' -d '{"tables":["film_actor"]}'
const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(import('../src'));
backend.start();
