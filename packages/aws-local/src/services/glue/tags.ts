import { parseArn } from '../../core/arn';
import { ServiceContext } from '../../core/types';
import { collections, invalidInput, notFound, requireString } from './common';

type Tags = Record<string, string>;

const tagStore = (ctx: ServiceContext) =>
  ctx.state.collection<Tags>(collections.tags);

export function putTags(ctx: ServiceContext, arn: string, tags: Tags) {
  tagStore(ctx).put(arn, { ...tagStore(ctx).get(arn), ...tags });
}

/** Tags are kept only for resources that exist: jobs, databases and tables. */
function requireTaggableResource(ctx: ServiceContext, arn: string) {
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== 'glue') {
    throw invalidInput(`Invalid ARN ${arn}`);
  }
  const [kind, ...rest] = parsed.resource.split('/');
  const key = rest.join('/');
  const collection = {
    job: collections.jobs,
    database: collections.databases,
    table: collections.tables,
  }[kind];
  if (!collection) {
    throw invalidInput(`Tagging ${kind} resources is not supported`);
  }
  if (!ctx.state.collection(collection).has(key)) {
    throw notFound(`Resource ${arn} not found.`);
  }
}

export const tagOperations = {
  TagResource(input: any, ctx: ServiceContext) {
    const arn = requireString(input, 'ResourceArn');
    requireTaggableResource(ctx, arn);
    putTags(ctx, arn, input.TagsToAdd ?? {});
    return {};
  },

  UntagResource(input: any, ctx: ServiceContext) {
    const arn = requireString(input, 'ResourceArn');
    requireTaggableResource(ctx, arn);
    const tags = { ...tagStore(ctx).get(arn) };
    for (const key of input.TagsToRemove ?? []) delete tags[key];
    tagStore(ctx).put(arn, tags);
    return {};
  },

  GetTags(input: any, ctx: ServiceContext) {
    const arn = requireString(input, 'ResourceArn');
    requireTaggableResource(ctx, arn);
    return { Tags: tagStore(ctx).get(arn) ?? {} };
  },
};

/** Drops the tags of a deleted resource. */
export function deleteTags(ctx: ServiceContext, arn: string) {
  tagStore(ctx).delete(arn);
}
