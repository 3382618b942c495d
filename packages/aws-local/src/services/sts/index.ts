import { ServiceDefinition, ServiceContext } from '../../core/types';

/** AWS STS `GetCallerIdentity` (query protocol): every caller is the emulator's root user. @public */
export const stsService: ServiceDefinition = {
  signingName: 'sts',
  protocol: 'query',
  xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
  throttlingError: { code: 'Throttling', statusCode: 400 },
  operations: {
    GetCallerIdentity(_input: unknown, ctx: ServiceContext) {
      return {
        UserId: ctx.accountId,
        Account: ctx.accountId,
        Arn: `arn:aws:iam::${ctx.accountId}:root`,
      };
    },
  },
};
