export {
  authModuleDemoUsersProvider as default,
  DEMO_USERS_PROVIDER_ID,
} from './authModuleDemoUsersProvider';
export { DEMO_USER_HEADER } from './readDemoUsersConfig';
