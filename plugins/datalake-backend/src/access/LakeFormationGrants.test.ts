import {
  GrantPermissionsCommand,
  LakeFormationClient,
} from '@aws-sdk/client-lakeformation';
import { mockClient } from 'aws-sdk-client-mock';
import { LakeFormationGrants } from './LakeFormationGrants';

const item = {
  key: 'db:shop',
  resource: { Database: { Name: 'shop' } },
  permissions: ['DESCRIBE' as const],
};

function awsError(name: string, status: number) {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

describe('LakeFormationGrants', () => {
  const client = new LakeFormationClient({ region: 'eu-west-1' });
  const lf = mockClient(client);
  const waits: number[] = [];
  const grants = new LakeFormationGrants(
    async () => client,
    async () => '111122223333',
    {
      attempts: 4,
      baseDelayMs: 100,
      sleep: async ms => {
        waits.push(ms);
      },
    },
  );

  beforeEach(() => {
    lf.reset();
    waits.length = 0;
  });

  it('retries the transient errors Lake Formation answers, with growing waits', async () => {
    lf.on(GrantPermissionsCommand)
      .rejectsOnce(awsError('ConcurrentModificationException', 400))
      .rejectsOnce(awsError('ThrottlingException', 400))
      .rejectsOnce(awsError('InternalServiceException', 500))
      .resolves({});
    await grants.grant('arn:aws:iam::111122223333:role/x', [item]);
    expect(lf.commandCalls(GrantPermissionsCommand)).toHaveLength(4);
    // Full jitter within each doubling cap: [50, 100], [100, 200], [200, 400].
    expect(waits).toHaveLength(3);
    waits.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(50 * 2 ** i);
      expect(ms).toBeLessThanOrEqual(100 * 2 ** i);
    });
  });

  it('gives up after the last attempt with a ServiceUnavailableError, so that the request waits for the reconcile job', async () => {
    lf.on(GrantPermissionsCommand).rejects(
      awsError('ConcurrentModificationException', 400),
    );
    await expect(
      grants.grant('arn:aws:iam::111122223333:role/x', [item]),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'ConcurrentModificationException: ConcurrentModificationException happened (after 4 attempts)',
    });
    expect(lf.commandCalls(GrantPermissionsCommand)).toHaveLength(4);
  });

  it('does not retry a refusal', async () => {
    lf.on(GrantPermissionsCommand).rejects(
      awsError('EntityNotFoundException', 400),
    );
    await expect(
      grants.grant('arn:aws:iam::111122223333:role/x', [item]),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(lf.commandCalls(GrantPermissionsCommand)).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});
