export {
  DatalakeCronSchedule,
  datalakeCronScheduleValidation,
} from './DatalakeCronSchedule';
