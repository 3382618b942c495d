export * from './typeMapping';
export * from './naming';
export * from './spec';
export * from './scheduleExpressions';
