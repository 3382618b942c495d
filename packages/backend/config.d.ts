export interface Config {
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
