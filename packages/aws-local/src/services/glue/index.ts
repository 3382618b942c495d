import { ServiceDefinition } from '../../core/types';
import { databaseOperations } from './databases';
import { jobOperations } from './jobs';
import { jobRunAdminRoutes, jobRunOperations } from './jobRuns';
import { tableOperations } from './tables';
import { tagOperations } from './tags';

/** AWS Glue: Data Catalog databases and tables, jobs, job runs and tags (JSON 1.1). @public */
export const glueService: ServiceDefinition = {
  signingName: 'glue',
  protocol: 'json',
  targetPrefix: 'AWSGlue',
  errorMessageKey: 'Message',
  internalError: { code: 'InternalServiceException', statusCode: 500 },
  operations: {
    ...databaseOperations,
    ...tableOperations,
    ...jobOperations,
    ...jobRunOperations,
    ...tagOperations,
  },
  adminRoutes: jobRunAdminRoutes,
};
