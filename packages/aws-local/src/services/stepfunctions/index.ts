/*
 * The emulated AWS Step Functions service (JSON 1.1, target prefix `AWSStepFunctions`).
 */
import { ServiceDefinition } from '../../core/types';
import {
  describeExecution,
  getExecutionHistory,
  listExecutions,
  startExecution,
  stopExecution,
} from './executionOperations';
import {
  createStateMachine,
  deleteStateMachine,
  describeStateMachine,
  listStateMachines,
  listTagsForResource,
  tagResource,
  untagResource,
  updateStateMachine,
} from './stateMachineOperations';

export { settleExecutions, RESTART_CAUSE } from './runner';

export const stepFunctionsService: ServiceDefinition = {
  signingName: 'states',
  protocol: 'json',
  targetPrefix: 'AWSStepFunctions',
  operations: {
    CreateStateMachine: createStateMachine,
    UpdateStateMachine: updateStateMachine,
    DescribeStateMachine: describeStateMachine,
    ListStateMachines: listStateMachines,
    DeleteStateMachine: deleteStateMachine,
    StartExecution: startExecution,
    DescribeExecution: describeExecution,
    ListExecutions: listExecutions,
    GetExecutionHistory: getExecutionHistory,
    StopExecution: stopExecution,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
  },
};
