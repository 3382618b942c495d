import {
  AuthService,
  DatabaseService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { readSchedulerServiceTaskScheduleDefinitionFromConfig } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { DatalakeStatusServices } from '../DatalakeStatusServices';
import { DatabaseAlertIncidentStore } from './AlertIncidentStore';
import { RunAlertsCheck } from './RunAlertsCheck';

const DEFAULT_LOOKBACK_HOURS = 48;

/**
 * Schedules the run alert check (`datalake.alerts`; on by default, every 10 minutes, on one
 * instance at a time).
 *
 * @public
 */
export async function scheduleRunAlerts(options: {
  config: RootConfigService;
  logger: LoggerService;
  scheduler: SchedulerService;
  database: DatabaseService;
  catalog: CatalogService;
  auth: AuthService;
  notifications: NotificationService;
  status: DatalakeStatusServices;
}): Promise<RunAlertsCheck | undefined> {
  const { config, logger, scheduler } = options;
  if (config.getOptionalBoolean('datalake.alerts.enabled') === false) {
    logger.info('Data lake run alerts are disabled (datalake.alerts.enabled)');
    return undefined;
  }
  const scheduleConfig = config.getOptionalConfig('datalake.alerts.schedule');
  const schedule = scheduleConfig
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
    : { frequency: { minutes: 10 }, timeout: { minutes: 5 } };
  const check = new RunAlertsCheck({
    catalog: options.catalog,
    auth: options.auth,
    aws: options.status.aws,
    runs: options.status.runs,
    store: await DatabaseAlertIncidentStore.create({
      database: options.database,
    }),
    notifications: options.notifications,
    logger,
    lastDataChange: options.status.lastDataChange,
    lookbackMs:
      (config.getOptionalNumber('datalake.alerts.lookbackHours') ??
        DEFAULT_LOOKBACK_HOURS) * 3_600_000,
  });
  await scheduler.scheduleTask({
    id: 'datalake-run-alerts',
    scope: 'global',
    ...schedule,
    fn: async () => {
      const { notified } = await check.run();
      if (notified.length > 0) {
        logger.info(`Run alerts: notified ${notified.length} incident(s)`);
      }
    },
  });
  return check;
}
