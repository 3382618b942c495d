export interface Config {
  /** Configuration of the data lake plugins. */
  datalake?: {
    /**
     * How the data lake plugins reach AWS. Credentials come from the root `aws` section
     * (`@backstage/integration-aws-node`: main account, accounts, role assumption).
     */
    aws?: {
      /**
       * Default region of every AWS client. Default `us-east-1`.
       * @visibility backend
       */
      region?: string;
      /**
       * Other regions a data lake may live in; requests for a region outside this list and
       * `region` are refused.
       * @visibility backend
       */
      allowedRegions?: string[];
      /**
       * The AWS account used when a request names none.
       * @visibility backend
       */
      accountId?: string;
      /**
       * Endpoint override for every AWS service, e.g. `http://127.0.0.1:4566` for the local
       * emulator (`yarn aws-local`) or LocalStack. S3 then uses path-style addressing; without
       * a root `aws` section, static dummy credentials are used.
       * @visibility backend
       */
      endpoint?: string;
      /**
       * Maximum attempts of the SDK's adaptive retry strategy. Default 3.
       * @visibility backend
       */
      maxAttempts?: number;
    };
  };
}
