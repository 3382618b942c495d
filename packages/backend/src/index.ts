/*
 * The demo portal's backend: the Backstage core plugins the data lake plugins build on, plus the
 * data lake plugin set itself. Everything it needs to run locally (SQLite, guest sign-in, the
 * local AWS emulator) comes from app-config.yaml; production settings from
 * app-config.production.yaml.
 */
import { createBackend } from '@backstage/backend-defaults';
import { searchModuleDatalakeTableColumns } from '@datalake-portal/backstage-plugin-catalog-backend-module-datalake';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Sign-in: the guest provider in development; production configures its own providers.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// Demo users (ana, dana) when auth.providers.demo is configured; never in production.
backend.add(import('./modules/authDemoUsers'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// Decisions go through our own policy, never allow-all.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissions'));

// Search: the Postgres engine registers itself only when the database is PostgreSQL; on SQLite the
// search backend keeps its default in-memory engine.
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
// Table columns and their comments become searchable.
backend.add(searchModuleDatalakeTableColumns);

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
// AI agents reach the data lake's actions (find, describe, lineage, runs, access requests) over MCP.
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// The data lake plugin set.
backend.add(import('@datalake-portal/backstage-plugin-datalake-backend'));
backend.add(
  import('@datalake-portal/backstage-plugin-catalog-backend-module-datalake'),
);
backend.add(
  import(
    '@datalake-portal/backstage-plugin-scaffolder-backend-module-datalake'
  ),
);

backend.start();
