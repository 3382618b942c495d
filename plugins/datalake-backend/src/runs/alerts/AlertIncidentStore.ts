/*
 * Remembers which incidents were notified, in the plugin's database, so that an incident is
 * notified once even though the check runs every few minutes and on any backend instance.
 */
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const TABLE = 'datalake_alert_incidents';

const migrationsDir = resolvePackagePath(
  '@datalake-portal/backstage-plugin-datalake-backend',
  'migrations',
);

/** An incident the alerts notify about. @public */
export interface AlertIncident {
  /** Unique per incident, e.g. `execution:<arn>` or `stale:<entity ref>:<last change>`. */
  key: string;
  kind: 'execution-failed' | 'freshness-sla';
  entityRef: string;
}

/** @public */
export interface AlertIncidentStore {
  /** Records the incident; false when it was recorded before. */
  claim(incident: AlertIncident, now: Date): Promise<boolean>;
  /** Forgets an incident whose notification could not be sent, so that the next check retries. */
  release(key: string): Promise<void>;
}

function isUniqueViolation(error: any): boolean {
  return (
    error?.code === '23505' ||
    error?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    error?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    error?.code === 'ER_DUP_ENTRY' ||
    /UNIQUE constraint failed/.test(error?.message ?? '')
  );
}

/** The knex store of notified incidents (SQLite, PostgreSQL). @public */
export class DatabaseAlertIncidentStore implements AlertIncidentStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseAlertIncidentStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      // The plugin's one migration history, shared with the access request store.
      await client.migrate.latest({
        directory: migrationsDir,
        tableName: 'datalake_knex_migrations',
      });
    }
    return new DatabaseAlertIncidentStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async claim(incident: AlertIncident, now: Date): Promise<boolean> {
    try {
      await this.db(TABLE).insert({
        incident_key: incident.key,
        kind: incident.kind,
        entity_ref: incident.entityRef,
        notified_at: now.toISOString(),
      });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) {
        return false;
      }
      throw e;
    }
  }

  async release(key: string): Promise<void> {
    await this.db(TABLE).where({ incident_key: key }).delete();
  }
}
