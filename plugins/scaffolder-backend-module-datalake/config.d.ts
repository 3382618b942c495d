export interface Config {
  datalake?: {
    dms?: {
      /** Where DMS writes the landing files of every source. */
      landing?: {
        /** @visibility backend */
        bucketName: string;
        /**
         * Prefix in the bucket (default `landing`); a source writes below `<bucketFolder>/<source id>/`.
         * @visibility backend
         */
        bucketFolder?: string;
        /**
         * The role DMS assumes to write to the bucket.
         * @visibility backend
         */
        serviceAccessRoleArn: string;
      };
    };
  };
}
