import { ConfigReader } from '@backstage/config';
import { readMysqlSourcesConfig } from './sourcesConfig';

function sourcesWith(dms: { [key: string]: string }) {
  return new ConfigReader({
    datalake: {
      sources: [
        {
          id: 'sakila',
          owner: 'group:default/data-engineering',
          host: '127.0.0.1',
          database: 'sakila',
          user: 'dms',
          dms,
        },
      ],
    },
  });
}

describe('readMysqlSourcesConfig dms settings', () => {
  it('reads a replication instance identifier', () => {
    const [source] = readMysqlSourcesConfig(
      sourcesWith({ replicationInstanceIdentifier: 'datalake-demo' }),
    );
    expect(source.dms).toEqual({
      mode: 'replication-instance',
      replicationInstanceIdentifier: 'datalake-demo',
    });
  });

  it('reads a replication instance ARN', () => {
    const [source] = readMysqlSourcesConfig(
      sourcesWith({ replicationInstanceArn: 'arn:aws:dms:us-east-1:1:rep:X' }),
    );
    expect(source.dms).toEqual({
      mode: 'replication-instance',
      replicationInstanceArn: 'arn:aws:dms:us-east-1:1:rep:X',
    });
  });

  it('refuses both an ARN and an identifier', () => {
    expect(() =>
      readMysqlSourcesConfig(
        sourcesWith({
          replicationInstanceArn: 'arn:aws:dms:us-east-1:1:rep:X',
          replicationInstanceIdentifier: 'datalake-demo',
        }),
      ),
    ).toThrow(/set only one of/);
  });

  it('refuses an identifier DMS would not accept', () => {
    expect(() =>
      readMysqlSourcesConfig(
        sourcesWith({ replicationInstanceIdentifier: 'bad--name' }),
      ),
    ).toThrow(/is not a DMS identifier/);
  });
});
