export { PipelineSchedule, scheduleText } from './PipelineSchedule';
