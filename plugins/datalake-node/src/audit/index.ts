export * from './auditedDecision';
