import { ServiceDefinition } from '../../core/types';
import { connectionOperations } from './connections';
import { endpointOperations } from './endpoints';
import { instanceOperations } from './instances';
import { taskAdminRoutes, taskOperations } from './tasks';

/**
 * AWS DMS (JSON 1.1): endpoints with real connection tests, replication instances, serverless
 * replication configs, and replication tasks with statuses and table statistics.
 * @public
 */
export const dmsService: ServiceDefinition = {
  signingName: 'dms',
  protocol: 'json',
  targetPrefix: 'AmazonDMSv20160101',
  internalError: { code: 'InternalFailure', statusCode: 500 },
  operations: {
    ...endpointOperations,
    ...connectionOperations,
    ...instanceOperations,
    ...taskOperations,
  },
  adminRoutes: taskAdminRoutes,
};
