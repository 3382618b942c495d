/*
 * Contract tests: every Lake Formation operation through the real @aws-sdk/client-lakeformation
 * against the in-process emulator, with the Glue catalog it validates against.
 */
import fs from 'node:fs';
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import {
  AddLFTagsToResourceCommand,
  BatchGrantPermissionsCommand,
  BatchRevokePermissionsCommand,
  CreateDataCellsFilterCommand,
  CreateLFTagCommand,
  DeleteDataCellsFilterCommand,
  DeleteLFTagCommand,
  GetDataCellsFilterCommand,
  GetLFTagCommand,
  GetResourceLFTagsCommand,
  GrantPermissionsCommand,
  LakeFormationClient,
  ListDataCellsFilterCommand,
  ListLFTagsCommand,
  ListPermissionsCommand,
  RemoveLFTagsFromResourceCommand,
  Resource,
  RevokePermissionsCommand,
  UpdateDataCellsFilterCommand,
  UpdateLFTagCommand,
} from '@aws-sdk/client-lakeformation';
import { startTestEmulator } from '../stepfunctions/__testUtils__/startTestEmulator';

const ANALYST = {
  DataLakePrincipalIdentifier: 'arn:aws:iam::000000000000:role/analyst',
};
const ENGINEER = {
  DataLakePrincipalIdentifier: 'arn:aws:iam::000000000000:role/engineer',
};
const FILM: Resource = { Table: { DatabaseName: 'silver', Name: 'film' } };

describe('Lake Formation through @aws-sdk/client-lakeformation', () => {
  let emulator: Awaited<ReturnType<typeof startTestEmulator>>;
  let lf: LakeFormationClient;
  let glue: GlueClient;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    lf = new LakeFormationClient(emulator.clientConfig);
    glue = new GlueClient(emulator.clientConfig);
    await glue.send(
      new CreateDatabaseCommand({ DatabaseInput: { Name: 'silver' } }),
    );
    for (const name of ['film', 'actor', 'rental']) {
      await glue.send(
        new CreateTableCommand({
          DatabaseName: 'silver',
          TableInput: {
            Name: name,
            TableType: 'EXTERNAL_TABLE',
            StorageDescriptor: {
              Columns: [
                { Name: `${name}_id`, Type: 'int' },
                { Name: 'title', Type: 'string' },
                { Name: 'rating', Type: 'string' },
              ],
              Location: `s3://lake/silver/${name}`,
            },
          },
        }),
      );
    }
  });

  afterAll(async () => {
    lf.destroy();
    glue.destroy();
    await emulator.close();
    fs.rmSync(emulator.stateDir, { recursive: true, force: true });
  });

  it('grants idempotently, lists with filters and revokes', async () => {
    await lf.send(
      new GrantPermissionsCommand({
        Principal: ANALYST,
        Resource: FILM,
        Permissions: ['SELECT', 'DESCRIBE'],
      }),
    );
    await lf.send(
      new GrantPermissionsCommand({
        Principal: ANALYST,
        Resource: FILM,
        Permissions: ['SELECT'],
      }),
    );
    await lf.send(
      new GrantPermissionsCommand({
        Principal: ENGINEER,
        Resource: { Database: { Name: 'silver' } },
        Permissions: ['CREATE_TABLE'],
      }),
    );
    await lf.send(
      new GrantPermissionsCommand({
        Principal: ENGINEER,
        Resource: {
          TableWithColumns: {
            DatabaseName: 'silver',
            Name: 'film',
            ColumnWildcard: { ExcludedColumnNames: ['rating'] },
          },
        },
        Permissions: ['SELECT'],
      }),
    );
    const forAnalyst = await lf.send(
      new ListPermissionsCommand({ Principal: ANALYST }),
    );
    expect(forAnalyst.PrincipalResourcePermissions).toEqual([
      expect.objectContaining({
        Principal: ANALYST,
        Resource: {
          Table: {
            CatalogId: '000000000000',
            DatabaseName: 'silver',
            Name: 'film',
          },
        },
        Permissions: ['DESCRIBE', 'SELECT'],
        PermissionsWithGrantOption: [],
        LastUpdated: expect.any(Date),
      }),
    ]);
    const onTable = await lf.send(
      new ListPermissionsCommand({ Resource: FILM }),
    );
    expect(
      onTable
        .PrincipalResourcePermissions!.map(
          p => p.Principal!.DataLakePrincipalIdentifier,
        )
        .sort(),
    ).toEqual([
      ANALYST.DataLakePrincipalIdentifier,
      ENGINEER.DataLakePrincipalIdentifier,
    ]);
    const databases = await lf.send(
      new ListPermissionsCommand({ ResourceType: 'DATABASE' }),
    );
    expect(
      databases.PrincipalResourcePermissions!.map(p => p.Permissions),
    ).toEqual([['CREATE_TABLE']]);

    await lf.send(
      new RevokePermissionsCommand({
        Principal: ANALYST,
        Resource: FILM,
        Permissions: ['SELECT', 'DESCRIBE'],
      }),
    );
    await expect(
      lf.send(
        new RevokePermissionsCommand({
          Principal: ANALYST,
          Resource: FILM,
          Permissions: ['SELECT'],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidInputException',
      message:
        'No permissions revoked. Grantee has no permissions and no grantable permissions on resource.',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('refuses grants on Glue resources that do not exist, and invalid permissions', async () => {
    await expect(
      lf.send(
        new GrantPermissionsCommand({
          Principal: ANALYST,
          Resource: { Table: { DatabaseName: 'silver', Name: 'nope' } },
          Permissions: ['SELECT'],
        }),
      ),
    ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
    await expect(
      lf.send(
        new GrantPermissionsCommand({
          Principal: ANALYST,
          Resource: { Database: { Name: 'nope' } },
          Permissions: ['DESCRIBE'],
        }),
      ),
    ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
    await expect(
      lf.send(
        new GrantPermissionsCommand({
          Principal: ANALYST,
          Resource: { Database: { Name: 'silver' } },
          Permissions: ['SELECT'],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidInputException' });
    await expect(
      lf.send(
        new GrantPermissionsCommand({
          Principal: ANALYST,
          Resource: {
            TableWithColumns: {
              DatabaseName: 'silver',
              Name: 'film',
              ColumnNames: ['ghost'],
            },
          },
          Permissions: ['SELECT'],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidInputException' });
  });

  it('grants and revokes in batches with per-entry failures', async () => {
    const entries = (['film', 'actor', 'missing'] as const).map((name, i) => ({
      Id: `e${i}`,
      Principal: ANALYST,
      Resource: { Table: { DatabaseName: 'silver', Name: name } },
      Permissions: ['SELECT' as const],
    }));
    const granted = await lf.send(
      new BatchGrantPermissionsCommand({ Entries: entries }),
    );
    expect(granted.Failures).toEqual([
      expect.objectContaining({
        RequestEntry: expect.objectContaining({ Id: 'e2' }),
        Error: expect.objectContaining({
          ErrorCode: 'EntityNotFoundException',
        }),
      }),
    ]);
    const revoked = await lf.send(
      new BatchRevokePermissionsCommand({ Entries: entries.slice(0, 2) }),
    );
    expect(revoked.Failures).toEqual([]);
    const again = await lf.send(
      new BatchRevokePermissionsCommand({ Entries: entries.slice(0, 1) }),
    );
    expect(again.Failures![0].Error!.ErrorCode).toBe('InvalidInputException');
  });

  it('pages ListPermissions', async () => {
    for (const name of ['film', 'actor', 'rental']) {
      await lf.send(
        new GrantPermissionsCommand({
          Principal: {
            DataLakePrincipalIdentifier: 'arn:aws:iam::000000000000:role/pager',
          },
          Resource: { Table: { DatabaseName: 'silver', Name: name } },
          Permissions: ['DESCRIBE'],
        }),
      );
    }
    const principal = {
      DataLakePrincipalIdentifier: 'arn:aws:iam::000000000000:role/pager',
    };
    const first = await lf.send(
      new ListPermissionsCommand({ Principal: principal, MaxResults: 2 }),
    );
    const second = await lf.send(
      new ListPermissionsCommand({
        Principal: principal,
        MaxResults: 2,
        NextToken: first.NextToken,
      }),
    );
    expect(first.PrincipalResourcePermissions).toHaveLength(2);
    expect(second.PrincipalResourcePermissions).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
    expect(
      [
        ...first.PrincipalResourcePermissions!,
        ...second.PrincipalResourcePermissions!,
      ]
        .map(p => p.Resource!.Table!.Name)
        .sort(),
    ).toEqual(['actor', 'film', 'rental']);
    await expect(
      lf.send(new ListPermissionsCommand({ NextToken: 'bogus' })),
    ).rejects.toMatchObject({ name: 'InvalidInputException' });
  });

  it('creates, reads, updates, lists, grants on and deletes data cells filters', async () => {
    const filter = {
      TableCatalogId: '000000000000',
      DatabaseName: 'silver',
      TableName: 'film',
      Name: 'family',
      RowFilter: { FilterExpression: "rating = 'G'" },
      ColumnNames: ['film_id', 'title'],
    };
    await lf.send(new CreateDataCellsFilterCommand({ TableData: filter }));
    await expect(
      lf.send(new CreateDataCellsFilterCommand({ TableData: filter })),
    ).rejects.toMatchObject({
      name: 'AlreadyExistsException',
    });
    await expect(
      lf.send(
        new CreateDataCellsFilterCommand({
          TableData: { ...filter, TableName: 'nope' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
    for (const name of ['f2', 'f3']) {
      await lf.send(
        new CreateDataCellsFilterCommand({
          TableData: {
            ...filter,
            Name: name,
            RowFilter: { AllRowsWildcard: {} },
            ColumnNames: undefined,
            ColumnWildcard: { ExcludedColumnNames: [] },
          },
        }),
      );
    }
    const got = await lf.send(
      new GetDataCellsFilterCommand({
        TableCatalogId: '000000000000',
        DatabaseName: 'silver',
        TableName: 'film',
        Name: 'family',
      }),
    );
    expect(got.DataCellsFilter).toMatchObject({
      Name: 'family',
      RowFilter: { FilterExpression: "rating = 'G'" },
      ColumnNames: ['film_id', 'title'],
    });
    await lf.send(
      new UpdateDataCellsFilterCommand({
        TableData: {
          ...filter,
          RowFilter: { FilterExpression: "rating = 'PG'" },
        },
      }),
    );
    const updated = await lf.send(
      new GetDataCellsFilterCommand({
        TableCatalogId: '000000000000',
        DatabaseName: 'silver',
        TableName: 'film',
        Name: 'family',
      }),
    );
    expect(updated.DataCellsFilter!.RowFilter!.FilterExpression).toBe(
      "rating = 'PG'",
    );
    expect(updated.DataCellsFilter!.VersionId).not.toBe(
      got.DataCellsFilter!.VersionId,
    );

    const first = await lf.send(
      new ListDataCellsFilterCommand({
        Table: { DatabaseName: 'silver', Name: 'film' },
        MaxResults: 2,
      }),
    );
    const second = await lf.send(
      new ListDataCellsFilterCommand({
        Table: { DatabaseName: 'silver', Name: 'film' },
        MaxResults: 2,
        NextToken: first.NextToken,
      }),
    );
    expect(
      [...first.DataCellsFilters!, ...second.DataCellsFilters!]
        .map(f => f.Name)
        .sort(),
    ).toEqual(['f2', 'f3', 'family']);

    const onFilter: Resource = {
      DataCellsFilter: {
        TableCatalogId: '000000000000',
        DatabaseName: 'silver',
        TableName: 'film',
        Name: 'family',
      },
    };
    await lf.send(
      new GrantPermissionsCommand({
        Principal: ANALYST,
        Resource: onFilter,
        Permissions: ['SELECT'],
      }),
    );
    const related = await lf.send(
      new ListPermissionsCommand({ Resource: FILM, IncludeRelated: 'TRUE' }),
    );
    expect(
      related.PrincipalResourcePermissions!.some(
        p => p.Resource!.DataCellsFilter?.Name === 'family',
      ),
    ).toBe(true);

    await lf.send(
      new DeleteDataCellsFilterCommand({
        TableCatalogId: '000000000000',
        DatabaseName: 'silver',
        TableName: 'film',
        Name: 'family',
      }),
    );
    await expect(
      lf.send(
        new GetDataCellsFilterCommand({
          TableCatalogId: '000000000000',
          DatabaseName: 'silver',
          TableName: 'film',
          Name: 'family',
        }),
      ),
    ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
    await expect(
      lf.send(
        new DeleteDataCellsFilterCommand({
          TableCatalogId: '000000000000',
          DatabaseName: 'silver',
          TableName: 'film',
          Name: 'family',
        }),
      ),
    ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
    const afterDelete = await lf.send(
      new ListPermissionsCommand({ Resource: FILM, IncludeRelated: 'TRUE' }),
    );
    expect(
      afterDelete.PrincipalResourcePermissions!.some(
        p => p.Resource!.DataCellsFilter,
      ),
    ).toBe(false);
  });

  it('manages LF-Tags and their assignment to databases, tables and columns', async () => {
    await lf.send(
      new CreateLFTagCommand({
        TagKey: 'classification',
        TagValues: ['public', 'pii'],
      }),
    );
    await expect(
      lf.send(
        new CreateLFTagCommand({ TagKey: 'classification', TagValues: ['x'] }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidInputException',
    });
    for (const key of ['layer', 'owner']) {
      await lf.send(
        new CreateLFTagCommand({ TagKey: key, TagValues: ['a', 'b'] }),
      );
    }
    await lf.send(
      new UpdateLFTagCommand({ TagKey: 'layer', TagValuesToAdd: ['silver'] }),
    );
    expect(
      await lf.send(new GetLFTagCommand({ TagKey: 'layer' })),
    ).toMatchObject({ TagKey: 'layer', TagValues: ['a', 'b', 'silver'] });
    await expect(
      lf.send(new GetLFTagCommand({ TagKey: 'ghost' })),
    ).rejects.toMatchObject({ name: 'EntityNotFoundException' });

    const first = await lf.send(new ListLFTagsCommand({ MaxResults: 2 }));
    const second = await lf.send(
      new ListLFTagsCommand({ MaxResults: 2, NextToken: first.NextToken }),
    );
    expect([...first.LFTags!, ...second.LFTags!].map(t => t.TagKey)).toEqual([
      'classification',
      'layer',
      'owner',
    ]);

    await lf.send(
      new AddLFTagsToResourceCommand({
        Resource: { Database: { Name: 'silver' } },
        LFTags: [{ TagKey: 'layer', TagValues: ['silver'] }],
      }),
    );
    const added = await lf.send(
      new AddLFTagsToResourceCommand({
        Resource: {
          TableWithColumns: {
            DatabaseName: 'silver',
            Name: 'film',
            ColumnNames: ['title'],
          },
        },
        LFTags: [
          { TagKey: 'classification', TagValues: ['pii'] },
          { TagKey: 'owner', TagValues: ['nope'] },
        ],
      }),
    );
    expect(added.Failures!.map(f => f.LFTag!.TagKey)).toEqual(['owner']);
    await lf.send(
      new AddLFTagsToResourceCommand({
        Resource: FILM,
        LFTags: [{ TagKey: 'classification', TagValues: ['public'] }],
      }),
    );

    const tags = await lf.send(
      new GetResourceLFTagsCommand({ Resource: FILM }),
    );
    expect(tags.LFTagOnDatabase).toEqual([
      { CatalogId: '000000000000', TagKey: 'layer', TagValues: ['silver'] },
    ]);
    expect(
      tags.LFTagsOnTable!.map(t => `${t.TagKey}=${t.TagValues![0]}`),
    ).toEqual(['classification=public', 'layer=silver']);
    expect(tags.LFTagsOnColumns).toEqual([
      {
        Name: 'title',
        LFTags: [
          {
            CatalogId: '000000000000',
            TagKey: 'classification',
            TagValues: ['pii'],
          },
          { CatalogId: '000000000000', TagKey: 'layer', TagValues: ['silver'] },
        ],
      },
    ]);
    await expect(
      lf.send(
        new GetResourceLFTagsCommand({
          Resource: { Table: { DatabaseName: 'silver', Name: 'ghost' } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'EntityNotFoundException' });

    const removed = await lf.send(
      new RemoveLFTagsFromResourceCommand({
        Resource: FILM,
        LFTags: [
          { TagKey: 'classification', TagValues: ['public'] },
          { TagKey: 'owner', TagValues: ['a'] },
        ],
      }),
    );
    expect(removed.Failures!.map(f => f.LFTag!.TagKey)).toEqual(['owner']);
    const assigned = await lf.send(
      new GetResourceLFTagsCommand({
        Resource: FILM,
        ShowAssignedLFTags: true,
      }),
    );
    expect(assigned.LFTagsOnTable).toEqual([]);

    await lf.send(
      new GrantPermissionsCommand({
        Principal: ANALYST,
        Resource: { LFTag: { TagKey: 'layer', TagValues: ['silver'] } },
        Permissions: ['ASSOCIATE'],
      }),
    );
    await lf.send(new DeleteLFTagCommand({ TagKey: 'layer' }));
    await expect(
      lf.send(new DeleteLFTagCommand({ TagKey: 'layer' })),
    ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
    expect(
      (
        await lf.send(
          new GetResourceLFTagsCommand({
            Resource: { Database: { Name: 'silver' } },
          }),
        )
      ).LFTagOnDatabase,
    ).toEqual([]);
    expect(
      (await lf.send(new ListPermissionsCommand({ ResourceType: 'LF_TAG' })))
        .PrincipalResourcePermissions,
    ).toEqual([]);
  });
});
