import { ConfigReader } from '@backstage/config';
import { readProviderConfigs } from './providerConfig';

describe('readProviderConfigs', () => {
  it('fills in defaults', () => {
    const [config] = readProviderConfigs(
      new ConfigReader({
        datalake: { aws: { region: 'eu-central-1' } },
        catalog: { providers: { datalake: { main: {} } } },
      }),
    );
    expect(config).toMatchObject({
      id: 'main',
      region: 'eu-central-1',
      namespace: 'default',
      concurrency: 8,
      maxRemovalShare: 0.5,
      owner: {
        tableParameter: 'datalake.owner',
        databaseParameter: 'datalake.owner',
        fallback: 'group:default/data-platform',
      },
      layers: { rules: [], databaseParameter: 'datalake.layer' },
    });
    expect(config.schedule.frequency).toEqual({ minutes: 30 });
  });

  it('matches database patterns against whole names', () => {
    const [config] = readProviderConfigs(
      new ConfigReader({
        catalog: {
          providers: {
            datalake: { main: { databases: { include: ['sakila_.*'] } } },
          },
        },
      }),
    );
    expect(config.databases.include[0].test('sakila_bronze')).toBe(true);
    expect(config.databases.include[0].test('old_sakila_bronze')).toBe(false);
  });

  it('refuses two providers writing into one namespace', () => {
    expect(() =>
      readProviderConfigs(
        new ConfigReader({
          catalog: {
            providers: {
              datalake: { prod: { accountId: '1' }, dev: { accountId: '2' } },
            },
          },
        }),
      ),
    ).toThrow(/both write to namespace 'default'/);
  });

  it('refuses invalid patterns and settings with the key that is wrong', () => {
    expect(() =>
      readProviderConfigs(
        new ConfigReader({
          catalog: {
            providers: {
              datalake: { main: { databases: { exclude: ['('] } } },
            },
          },
        }),
      ),
    ).toThrow('catalog.providers.datalake.main.databases.exclude');
    expect(() =>
      readProviderConfigs(
        new ConfigReader({
          catalog: { providers: { datalake: { main: { concurrency: 0 } } } },
        }),
      ),
    ).toThrow('concurrency must be a positive integer');
  });
});
