export interface Config {
  auth?: {
    providers?: {
      /**
       * Development-only sign-in as one of the listed catalog users, chosen on the sign-in page
       * (packages/backend/src/modules/authDemoUsers). The backend refuses to start with it unless
       * `development` is true, NODE_ENV is not production, `backend.listen.host` is a loopback
       * address and `backend.baseUrl` a loopback URL; app-config.production.yaml sets it to null.
       */
      demo?: {
        /** The explicit development switch: the provider refuses to start without `true`. */
        development?: boolean;
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
