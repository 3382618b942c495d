export { DatalakeSourcePicker } from './DatalakeSourcePicker';
