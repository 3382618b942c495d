import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogCollatorExtensionPoint } from '@backstage/plugin-search-backend-module-catalog';
import { tableCollatorTransformer } from './tableCollatorTransformer';

/**
 * Makes table columns searchable: installs {@link tableCollatorTransformer} into the search
 * backend's catalog collator. Add it next to `@backstage/plugin-search-backend-module-catalog`.
 *
 * @public
 */
export const searchModuleDatalakeTableColumns = createBackendModule({
  pluginId: 'search',
  moduleId: 'datalake-table-columns',
  register(reg) {
    reg.registerInit({
      deps: { collator: catalogCollatorExtensionPoint },
      async init({ collator }) {
        collator.setEntityTransformer(tableCollatorTransformer);
      },
    });
  },
});
