import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { datalakeApiRef, DatalakeClient } from '../api';

/** The data lake backend client for the new frontend system. @public */
export const datalakeApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: datalakeApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DatalakeClient({ discoveryApi, fetchApi }),
    }),
});
