import { ServiceDefinition } from '../core/types';
import { dmsService } from './dms';
import { glueService } from './glue';
import { lakeFormationService } from './lakeformation';
import { logsService } from './cloudwatchlogs';
import { s3Service } from './s3';
import { schedulerService } from './scheduler';
import { secretsManagerService } from './secretsmanager';
import { stepFunctionsService } from './stepfunctions';
import { stsService } from './sts';

/** Every emulated service; the one place where a service is added. @public */
export const allServices: ServiceDefinition[] = [
  glueService,
  s3Service,
  stsService,
  dmsService,
  stepFunctionsService,
  lakeFormationService,
  logsService,
  secretsManagerService,
  schedulerService,
];

export {
  dmsService,
  glueService,
  lakeFormationService,
  logsService,
  s3Service,
  schedulerService,
  secretsManagerService,
  stepFunctionsService,
  stsService,
};
