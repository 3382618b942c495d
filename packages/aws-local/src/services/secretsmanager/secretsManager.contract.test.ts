import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  paginateListSecrets,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { RunningEmulator } from '../../core/emulator';
import { clientConfig, startTestEmulator } from '../../testing/testEmulator';

describe('Secrets Manager emulator, through the AWS SDK', () => {
  let running: RunningEmulator;
  let sm: SecretsManagerClient;

  beforeEach(async () => {
    running = await startTestEmulator();
    sm = new SecretsManagerClient(clientConfig(running));
  });

  afterEach(() => running.close());

  it('creates a secret with an ARN of name and six random characters, and refuses a duplicate', async () => {
    const created = await sm.send(
      new CreateSecretCommand({
        Name: 'prod/shop/dms',
        SecretString: '{"username":"dms"}',
        Description: 'DMS source',
        Tags: [{ Key: 'team', Value: 'data' }],
      }),
    );
    expect(created.ARN).toMatch(
      /^arn:aws:secretsmanager:eu-west-1:\d{12}:secret:prod\/shop\/dms-[A-Za-z0-9]{6}$/,
    );
    expect(created.Name).toBe('prod/shop/dms');
    expect(created.VersionId).toMatch(/^[0-9a-f-]{36}$/);

    await expect(
      sm.send(
        new CreateSecretCommand({ Name: 'prod/shop/dms', SecretString: 'x' }),
      ),
    ).rejects.toMatchObject({
      name: 'ResourceExistsException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      sm.send(
        new CreateSecretCommand({
          Name: 'both',
          SecretString: 'x',
          SecretBinary: new Uint8Array([1]),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      sm.send(
        new CreateSecretCommand({ Name: 'bad name!', SecretString: 'x' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('gets a value by name, full ARN and partial ARN, and reports a missing secret', async () => {
    const { ARN } = await sm.send(
      new CreateSecretCommand({ Name: 'shop-dms', SecretString: 's3cret' }),
    );
    const partial = ARN!.slice(0, -7);
    for (const SecretId of ['shop-dms', ARN!, partial]) {
      const value = await sm.send(new GetSecretValueCommand({ SecretId }));
      expect(value).toMatchObject({
        ARN,
        Name: 'shop-dms',
        SecretString: 's3cret',
        VersionStages: ['AWSCURRENT'],
      });
      expect(value.CreatedDate).toBeInstanceOf(Date);
    }
    for (const SecretId of [
      'nope',
      // the right name with another secret's random suffix
      `${partial}-zzzzzz`,
      partial.replace('eu-west-1', 'us-east-1'),
    ]) {
      await expect(
        sm.send(new GetSecretValueCommand({ SecretId })),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      });
    }
  });

  it('keeps binary secrets as bytes', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await sm.send(
      new CreateSecretCommand({ Name: 'bin', SecretBinary: bytes }),
    );
    const value = await sm.send(new GetSecretValueCommand({ SecretId: 'bin' }));
    expect(value.SecretString).toBeUndefined();
    expect([...value.SecretBinary!]).toEqual([...bytes]);
  });

  it('PutSecretValue adds a version and moves AWSCURRENT, the old one becoming AWSPREVIOUS', async () => {
    const first = await sm.send(
      new CreateSecretCommand({ Name: 'rotated', SecretString: 'v1' }),
    );
    const second = await sm.send(
      new PutSecretValueCommand({ SecretId: 'rotated', SecretString: 'v2' }),
    );
    expect(second.VersionStages).toEqual(['AWSCURRENT']);
    expect(second.VersionId).not.toBe(first.VersionId);
    expect(
      (await sm.send(new GetSecretValueCommand({ SecretId: 'rotated' })))
        .SecretString,
    ).toBe('v2');
    expect(
      (
        await sm.send(
          new GetSecretValueCommand({
            SecretId: 'rotated',
            VersionStage: 'AWSPREVIOUS',
          }),
        )
      ).SecretString,
    ).toBe('v1');
    expect(
      (
        await sm.send(
          new GetSecretValueCommand({
            SecretId: 'rotated',
            VersionId: first.VersionId,
          }),
        )
      ).VersionStages,
    ).toEqual(['AWSPREVIOUS']);

    const third = await sm.send(
      new PutSecretValueCommand({ SecretId: 'rotated', SecretString: 'v3' }),
    );
    const described = await sm.send(
      new DescribeSecretCommand({ SecretId: 'rotated' }),
    );
    // The first version lost its last label and is gone.
    expect(described.VersionIdsToStages).toEqual({
      [second.VersionId!]: ['AWSPREVIOUS'],
      [third.VersionId!]: ['AWSCURRENT'],
    });

    // A retry with the same token and value is the same version; another value is refused.
    const token = 'c0ffee00-0000-4000-8000-000000000001';
    const put = () =>
      sm.send(
        new PutSecretValueCommand({
          SecretId: 'rotated',
          SecretString: 'v4',
          ClientRequestToken: token,
        }),
      );
    expect((await put()).VersionId).toBe(token);
    expect((await put()).VersionId).toBe(token);
    await expect(
      sm.send(
        new PutSecretValueCommand({
          SecretId: 'rotated',
          SecretString: 'other',
          ClientRequestToken: token,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceExistsException' });
    await expect(
      sm.send(
        new PutSecretValueCommand({ SecretId: 'missing', SecretString: 'x' }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('a secret created without a value has no version until PutSecretValue', async () => {
    const created = await sm.send(new CreateSecretCommand({ Name: 'empty' }));
    expect(created.VersionId).toBeUndefined();
    await expect(
      sm.send(new GetSecretValueCommand({ SecretId: 'empty' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await sm.send(
      new PutSecretValueCommand({ SecretId: 'empty', SecretString: 'now' }),
    );
    expect(
      (await sm.send(new GetSecretValueCommand({ SecretId: 'empty' })))
        .SecretString,
    ).toBe('now');
  });

  it('describes a secret without its value', async () => {
    const { ARN, VersionId } = await sm.send(
      new CreateSecretCommand({
        Name: 'described',
        SecretString: 'hidden',
        Description: 'for DMS',
        Tags: [{ Key: 'team', Value: 'data' }],
      }),
    );
    const described = await sm.send(
      new DescribeSecretCommand({ SecretId: ARN }),
    );
    expect(described).toMatchObject({
      ARN,
      Name: 'described',
      Description: 'for DMS',
      Tags: [{ Key: 'team', Value: 'data' }],
      VersionIdsToStages: { [VersionId!]: ['AWSCURRENT'] },
    });
    expect(described.CreatedDate).toBeInstanceOf(Date);
    expect(described.LastChangedDate).toBeInstanceOf(Date);
    expect(described).not.toHaveProperty('SecretString');
    expect(described.DeletedDate).toBeUndefined();
  });

  it('deletes with a recovery window (restorable) or at once with ForceDeleteWithoutRecovery', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'soft', SecretString: 'a' }));
    const scheduled = await sm.send(
      new DeleteSecretCommand({ SecretId: 'soft', RecoveryWindowInDays: 7 }),
    );
    expect(scheduled.DeletionDate).toBeInstanceOf(Date);
    await expect(
      sm.send(new GetSecretValueCommand({ SecretId: 'soft' })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(
      sm.send(new CreateSecretCommand({ Name: 'soft', SecretString: 'b' })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
    expect(
      (await sm.send(new DescribeSecretCommand({ SecretId: 'soft' })))
        .DeletedDate,
    ).toBeInstanceOf(Date);
    await sm.send(new RestoreSecretCommand({ SecretId: 'soft' }));
    expect(
      (await sm.send(new GetSecretValueCommand({ SecretId: 'soft' })))
        .SecretString,
    ).toBe('a');

    await expect(
      sm.send(
        new DeleteSecretCommand({ SecretId: 'soft', RecoveryWindowInDays: 3 }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      sm.send(
        new DeleteSecretCommand({
          SecretId: 'soft',
          RecoveryWindowInDays: 7,
          ForceDeleteWithoutRecovery: true,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });

    const forced = await sm.send(
      new DeleteSecretCommand({
        SecretId: 'soft',
        ForceDeleteWithoutRecovery: true,
      }),
    );
    expect(forced.Name).toBe('soft');
    await expect(
      sm.send(new DescribeSecretCommand({ SecretId: 'soft' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    // The name is free again.
    await sm.send(new CreateSecretCommand({ Name: 'soft', SecretString: 'c' }));
    await expect(
      sm.send(new DeleteSecretCommand({ SecretId: 'never' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('lists secrets in pages, with filters, leaving out planned deletions unless asked', async () => {
    for (let i = 0; i < 7; i++) {
      await sm.send(
        new CreateSecretCommand({
          Name: `app/${i}`,
          SecretString: `${i}`,
          Tags: i % 2 === 0 ? [{ Key: 'even', Value: 'yes' }] : undefined,
        }),
      );
    }
    await sm.send(
      new CreateSecretCommand({ Name: 'other', SecretString: 'x' }),
    );
    await sm.send(new DeleteSecretCommand({ SecretId: 'app/6' }));

    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateListSecrets(
      { client: sm, pageSize: 3 },
      { SortBy: 'name' },
    )) {
      pages += 1;
      expect(page.SecretList!.length).toBeLessThanOrEqual(3);
      names.push(...page.SecretList!.map(s => s.Name!));
    }
    expect(pages).toBe(3);
    expect(names).toEqual([
      'app/0',
      'app/1',
      'app/2',
      'app/3',
      'app/4',
      'app/5',
      'other',
    ]);

    const filtered = await sm.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'name', Values: ['app/'] },
          { Key: 'tag-key', Values: ['even'] },
        ],
        IncludePlannedDeletion: true,
        SortBy: 'name',
      }),
    );
    expect(filtered.SecretList!.map(s => s.Name)).toEqual([
      'app/0',
      'app/2',
      'app/4',
      'app/6',
    ]);
    expect(filtered.SecretList![3].DeletedDate).toBeInstanceOf(Date);
    expect(
      Object.values(filtered.SecretList![0].SecretVersionsToStages!),
    ).toEqual([['AWSCURRENT']]);

    const negated = await sm.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['!app/'] }] }),
    );
    expect(negated.SecretList!.map(s => s.Name)).toEqual(['other']);

    await expect(
      sm.send(new ListSecretsCommand({ NextToken: 'not-a-token' })),
    ).rejects.toMatchObject({ name: 'InvalidNextTokenException' });
  });
});
