export interface Config {
  auth?: {
    providers?: {
      /**
       * Development-only sign-in as one of the listed catalog users, chosen on the sign-in page
       * (packages/backend/src/modules/authDemoUsers). The backend refuses to start with it when
       * NODE_ENV is production; app-config.production.yaml sets it to null.
       */
      demo?: {
        /** User entity refs, e.g. `user:default/ana`. */
        users: string[];
      };
    };
  };
  permission?: {
    datalake?: {
      /**
       * User or group entity refs (e.g. `group:default/platform-team`) that the portal's policy
       * allows everything.
       */
      admins?: string[];
    };
  };
}
