import { DatalakeAwsClientFactory } from '@datalake-portal/backstage-plugin-datalake-node';
import { DatalakeProviderConfig } from '@datalake-portal/backstage-plugin-datalake-node';
import { DatalakeProviderClients } from './DatalakeEntityProvider';

/** The Glue and Lake Formation clients of one provider, from the shared AWS access layer. */
export async function clientsForProvider(
  factory: DatalakeAwsClientFactory,
  provider: DatalakeProviderConfig,
): Promise<DatalakeProviderClients> {
  const target = { accountId: provider.accountId, region: provider.region };
  return {
    glue: await factory.glue(target),
    lakeFormation: provider.owner.lfTagKey
      ? await factory.lakeFormation(target)
      : undefined,
    accountId: provider.accountId,
  };
}
