export {
  registerDatalakeActions,
  type DatalakeActionServices,
} from './registerDatalakeActions';
