export * from './providerConfig';
export * from './providerTables';
export * from './metadataBuckets';
