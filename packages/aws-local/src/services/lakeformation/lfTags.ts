/*
 * LF-Tags: the tag keys and their allowed values, and their assignment to databases, tables and
 * columns. A table inherits its database's tags and a column its table's, unless it overrides
 * the key, which is what GetResourceLFTags shows (directly assigned only with
 * ShowAssignedLFTags).
 */
import { AwsError, ServiceContext } from '../../core/types';
import { invalidInput, notFound, requireString } from './errors';
import { paginate } from './pagination';
import { dropGrantsOn } from './permissions';
import { checkResourceExists, describeResource } from './resources';
import { lfTags, resourceTags, ResourceTagAssignment } from './store';

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@%]{1,128}$/u;

function tagValues(value: unknown, field: string): string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.length > 50 ||
    value.some(v => typeof v !== 'string' || v.length === 0)
  ) {
    throw invalidInput(`${field} must hold between 1 and 50 non-empty values.`);
  }
  return [...new Set(value as string[])];
}

function getTag(ctx: ServiceContext, tagKey: string) {
  const tag = lfTags(ctx).get(tagKey);
  if (!tag) {
    throw notFound(`Tag key does not exist: ${tagKey}`);
  }
  return tag;
}

export function createLFTag(input: any, ctx: ServiceContext) {
  const tagKey = requireString(input, 'TagKey');
  if (!TAG_KEY.test(tagKey)) {
    throw invalidInput(`Invalid TagKey: ${tagKey}`);
  }
  const values = tagValues(input.TagValues, 'TagValues');
  if (lfTags(ctx).has(tagKey)) {
    throw invalidInput(`Tag key already exists: ${tagKey}`);
  }
  lfTags(ctx).put(tagKey, {
    CatalogId: input.CatalogId ?? ctx.accountId,
    TagKey: tagKey,
    TagValues: values,
  });
  return {};
}

export function getLFTag(input: any, ctx: ServiceContext) {
  const tag = getTag(ctx, requireString(input, 'TagKey'));
  return {
    CatalogId: tag.CatalogId,
    TagKey: tag.TagKey,
    TagValues: tag.TagValues,
  };
}

export function updateLFTag(input: any, ctx: ServiceContext) {
  const tag = getTag(ctx, requireString(input, 'TagKey'));
  const add = input.TagValuesToAdd
    ? tagValues(input.TagValuesToAdd, 'TagValuesToAdd')
    : [];
  const remove = new Set(
    input.TagValuesToDelete
      ? tagValues(input.TagValuesToDelete, 'TagValuesToDelete')
      : [],
  );
  if (add.length === 0 && remove.size === 0) {
    throw invalidInput(
      'One of TagValuesToAdd and TagValuesToDelete is required.',
    );
  }
  const values = [...new Set([...tag.TagValues, ...add])].filter(
    v => !remove.has(v),
  );
  if (values.length === 0) {
    throw invalidInput('An LF-Tag must keep at least one value.');
  }
  if (values.length > 1000) {
    throw invalidInput('An LF-Tag can hold at most 1000 values.');
  }
  lfTags(ctx).put(tag.TagKey, { ...tag, TagValues: values });
  return {};
}

export function deleteLFTag(input: any, ctx: ServiceContext) {
  const tag = getTag(ctx, requireString(input, 'TagKey'));
  lfTags(ctx).delete(tag.TagKey);
  for (const key of [...resourceTags(ctx).keys()]) {
    const assignment = resourceTags(ctx).get(key)!;
    if (assignment.tags[tag.TagKey] !== undefined) {
      const { [tag.TagKey]: _removed, ...rest } = assignment.tags;
      resourceTags(ctx).put(key, { ...assignment, tags: rest });
    }
  }
  dropGrantsOn(
    ctx,
    r => r.kind === 'LF_TAG' && r.Resource.LFTag.TagKey === tag.TagKey,
  );
  return {};
}

export function listLFTags(input: any, ctx: ServiceContext) {
  const page = paginate(lfTags(ctx).values(), input ?? {}, 'lftags');
  return {
    LFTags: page.items.map(t => ({
      CatalogId: t.CatalogId,
      TagKey: t.TagKey,
      TagValues: t.TagValues,
    })),
    NextToken: page.NextToken,
  };
}

/** The database, table and columns an assignment request targets. */
async function targets(
  input: any,
  ctx: ServiceContext,
): Promise<Array<Omit<ResourceTagAssignment, 'tags'>>> {
  const described = describeResource(input?.Resource, ctx);
  const r = described.resource;
  switch (described.kind) {
    case 'DATABASE':
      await checkResourceExists(ctx, described);
      return [{ database: r.Database.Name }];
    case 'TABLE':
      if (r.Table.Name === undefined) {
        throw invalidInput('LF-Tags cannot be assigned to a TableWildcard.');
      }
      await checkResourceExists(ctx, described);
      return [{ database: r.Table.DatabaseName, table: r.Table.Name }];
    case 'TABLE_WITH_COLUMNS': {
      await checkResourceExists(ctx, described);
      const t = r.TableWithColumns;
      if (!t.ColumnNames) {
        throw invalidInput('LF-Tags on columns need ColumnNames.');
      }
      return t.ColumnNames.map((column: string) => ({
        database: t.DatabaseName,
        table: t.Name,
        column,
      }));
    }
    default:
      throw invalidInput(
        'LF-Tags can be assigned to a database, a table or table columns only.',
      );
  }
}

const assignmentKey = (t: Omit<ResourceTagAssignment, 'tags'>) =>
  [t.database, t.table ?? '', t.column ?? ''].join('\u0000');

function requestedTags(
  input: any,
): Array<{ TagKey: string; TagValues: string[] }> {
  const tags = input?.LFTags;
  if (!Array.isArray(tags) || tags.length === 0 || tags.length > 50) {
    throw invalidInput('LFTags must hold between 1 and 50 tags.');
  }
  const keys = tags.map((t: any) => t?.TagKey);
  if (new Set(keys).size !== keys.length) {
    throw invalidInput('Provided list of tags contains duplicate tag key');
  }
  return tags;
}

function failure(tag: any, e: AwsError) {
  return { LFTag: tag, Error: { ErrorCode: e.code, ErrorMessage: e.message } };
}

export async function addLFTagsToResource(input: any, ctx: ServiceContext) {
  const tags = requestedTags(input);
  const where = await targets(input, ctx);
  const Failures: unknown[] = [];
  const accepted: Record<string, string> = {};
  for (const tag of tags) {
    try {
      const stored = getTag(ctx, requireString(tag, 'TagKey'));
      if (
        !Array.isArray(tag.TagValues) ||
        tag.TagValues.length !== 1 ||
        tag.TagValues[0] === '*'
      ) {
        throw invalidInput(
          'Tag value wild card was found or input tag value list has size not equal to 1',
        );
      }
      if (!stored.TagValues.includes(tag.TagValues[0])) {
        throw invalidInput(
          `Tag value ${tag.TagValues[0]} does not exist for tag key ${stored.TagKey}.`,
        );
      }
      accepted[stored.TagKey] = tag.TagValues[0];
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      Failures.push(failure(tag, e));
    }
  }
  for (const target of where) {
    const key = assignmentKey(target);
    const existing = resourceTags(ctx).get(key);
    resourceTags(ctx).put(key, {
      ...target,
      tags: { ...existing?.tags, ...accepted },
    });
  }
  return { Failures };
}

export async function removeLFTagsFromResource(
  input: any,
  ctx: ServiceContext,
) {
  const tags = requestedTags(input);
  const where = await targets(input, ctx);
  const Failures: unknown[] = [];
  for (const target of where) {
    const key = assignmentKey(target);
    const existing = resourceTags(ctx).get(key);
    const remaining = { ...existing?.tags };
    for (const tag of tags) {
      if (remaining[tag.TagKey] === undefined) {
        Failures.push(
          failure(
            tag,
            notFound(`Tag ${tag.TagKey} is not assigned to the resource.`),
          ),
        );
      } else {
        delete remaining[tag.TagKey];
      }
    }
    resourceTags(ctx).put(key, { ...target, tags: remaining });
  }
  return { Failures };
}

function assigned(
  ctx: ServiceContext,
  target: Omit<ResourceTagAssignment, 'tags'>,
): Record<string, string> {
  return resourceTags(ctx).get(assignmentKey(target))?.tags ?? {};
}

function asPairs(ctx: ServiceContext, tags: Record<string, string>) {
  return Object.entries(tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([TagKey, value]) => ({
      CatalogId: ctx.accountId,
      TagKey,
      TagValues: [value],
    }));
}

export async function getResourceLFTags(input: any, ctx: ServiceContext) {
  const described = describeResource(input?.Resource, ctx);
  await checkResourceExists(ctx, described);
  const onlyAssigned = input?.ShowAssignedLFTags === true;
  const r = described.resource;
  if (described.kind === 'DATABASE') {
    return {
      LFTagOnDatabase: asPairs(
        ctx,
        assigned(ctx, { database: r.Database.Name }),
      ),
    };
  }
  if (described.kind !== 'TABLE' && described.kind !== 'TABLE_WITH_COLUMNS') {
    throw invalidInput(
      'LF-Tags can be read on a database, a table or table columns only.',
    );
  }
  const t = r.Table ?? r.TableWithColumns;
  if (t.Name === undefined) {
    throw invalidInput('LF-Tags cannot be read on a TableWildcard.');
  }
  const dbTags = onlyAssigned
    ? {}
    : assigned(ctx, { database: t.DatabaseName });
  const tableTags = {
    ...dbTags,
    ...assigned(ctx, { database: t.DatabaseName, table: t.Name }),
  };
  const columnNames: string[] =
    described.kind === 'TABLE_WITH_COLUMNS' && t.ColumnNames
      ? t.ColumnNames
      : resourceTags(ctx)
          .values()
          .filter(
            a =>
              a.database === t.DatabaseName && a.table === t.Name && a.column,
          )
          .map(a => a.column!);
  return {
    LFTagOnDatabase: onlyAssigned ? undefined : asPairs(ctx, dbTags),
    LFTagsOnTable: asPairs(ctx, tableTags),
    LFTagsOnColumns: columnNames.map(column => ({
      Name: column,
      LFTags: asPairs(ctx, {
        ...(onlyAssigned ? {} : tableTags),
        ...assigned(ctx, { database: t.DatabaseName, table: t.Name, column }),
      }),
    })),
  };
}
