export * from './types';
export * from './tableNames';
