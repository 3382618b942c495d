import {
  BACKEND_API_CALLS,
  backendIamActions,
  callKey,
  iamActionsOfOperation,
  SDK_CLIENT_IAM_PREFIXES,
} from './backendApiCalls';
import { REPO_ROOT } from './config';
import { isTestFile, scanPlugins, scanSource } from './pluginApiCalls';

/** What a reviewer reads when the list and the code disagree. */
function compare(
  found: Array<{ client: string; operation: string; files?: string[] }>,
) {
  const listed = new Set(BACKEND_API_CALLS.map(callKey));
  const called = new Set(found.map(callKey));
  return {
    missingFromList: found
      .filter(c => !listed.has(callKey(c)))
      .map(c => `${callKey(c)} (${(c.files ?? []).join(', ')})`),
    noLongerCalled: [...listed].filter(k => !called.has(k)),
  };
}

describe('the backend API call list', () => {
  const scan = scanPlugins(REPO_ROOT);

  it('equals the AWS API calls of plugins/*/src outside tests', () => {
    expect(scan.problems).toEqual([]);
    expect(scan.calls.length).toBeGreaterThan(30);
    expect(compare(scan.calls)).toEqual({
      missingFromList: [],
      noLongerCalled: [],
    });
  });

  it('maps every scanned client package to an IAM prefix', () => {
    for (const call of scan.calls) {
      expect(Object.keys(SDK_CLIENT_IAM_PREFIXES)).toContain(call.client);
    }
    expect(SDK_CLIENT_IAM_PREFIXES['@aws-sdk/client-sfn']).toBe('states');
    expect(
      SDK_CLIENT_IAM_PREFIXES['@aws-sdk/client-database-migration-service'],
    ).toBe('dms');
  });

  it('lists each call once', () => {
    const keys = BACKEND_API_CALLS.map(callKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('turns calls into IAM actions, with the operations IAM names differently', () => {
    expect(iamActionsOfOperation('@aws-sdk/client-glue', 'GetTables')).toEqual([
      'glue:GetTables',
    ]);
    expect(iamActionsOfOperation('@aws-sdk/client-s3', 'HeadObject')).toEqual([
      's3:GetObject',
    ]);
    expect(
      iamActionsOfOperation('@aws-sdk/client-sfn', 'ListExecutions'),
    ).toEqual(['states:ListExecutions']);
    const actions = backendIamActions();
    expect(actions).toContain('iam:PassRole');
    expect(actions).toContain('glue:TagResource');
    expect(actions).toContain('dms:StartReplicationTask');
    expect(actions).not.toContain('s3:HeadObject');
  });
});

describe('the scan', () => {
  it('fails the comparison when a plugin starts calling an API the list lacks', () => {
    const { calls, problems } = scanSource(
      'plugins/x/src/dropTable.ts',
      [
        "import { DeleteTableCommand, GlueClient } from '@aws-sdk/client-glue';",
        "import type { Table } from '@aws-sdk/client-glue';",
        'export const drop = (glue: GlueClient) =>',
        "  glue.send(new DeleteTableCommand({ DatabaseName: 'd', Name: 't' }));",
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(calls).toEqual([
      { client: '@aws-sdk/client-glue', operation: 'DeleteTable' },
    ]);
    expect(compare([...BACKEND_API_CALLS, ...calls]).missingFromList).toEqual([
      '@aws-sdk/client-glue/DeleteTable ()',
    ]);
  });

  it('finds paginators and aliased imports, and flags untraceable commands and unmapped clients', () => {
    const { calls, problems } = scanSource(
      'plugins/x/src/a.ts',
      [
        'import {',
        '  paginateGetTables,',
        '  GetPartitionsCommand as Partitions,',
        "} from '@aws-sdk/client-glue';",
        "import { PublishCommand } from '@aws-sdk/client-iot';",
        'new StartQueryExecutionCommand({});',
      ].join('\n'),
    );
    expect(calls).toEqual([
      { client: '@aws-sdk/client-glue', operation: 'GetTables' },
      { client: '@aws-sdk/client-glue', operation: 'GetPartitions' },
      { client: '@aws-sdk/client-iot', operation: 'Publish' },
    ]);
    expect(problems.map(p => p.message)).toEqual([
      'imports @aws-sdk/client-iot, which SDK_CLIENT_IAM_PREFIXES does not map to an IAM prefix',
      'calls new StartQueryExecutionCommand( without importing it from an @aws-sdk/client-* package',
    ]);
  });

  it('leaves tests and test helpers out', () => {
    expect(isTestFile('plugins/a/src/x.test.ts')).toBe(true);
    expect(
      isTestFile('plugins/a/src/access/__testUtils__/accessTestBackend.ts'),
    ).toBe(true);
    expect(isTestFile('plugins/a/src/setupTests.ts')).toBe(true);
    expect(isTestFile('plugins/a/src/runs/AwsStatusReader.ts')).toBe(false);
  });
});
