import { ServiceContext } from '../../core/types';
import { pageSize, paginate } from '../../core/pagination';
import {
  alreadyExists,
  collections,
  glueArn,
  invalidInput,
  notFound,
  nowSeconds,
  requireString,
} from './common';
import { deleteTags, putTags } from './tags';

export interface StoredJob {
  Name: string;
  Role: string;
  Command: { Name?: string; ScriptLocation?: string; PythonVersion?: string };
  DefaultArguments?: Record<string, string>;
  ExecutionProperty: { MaxConcurrentRuns: number };
  CreatedOn: number;
  LastModifiedOn: number;
  [field: string]: unknown;
}

const jobs = (ctx: ServiceContext) =>
  ctx.state.collection<StoredJob>(collections.jobs);

export function getJobOrThrow(ctx: ServiceContext, name: string) {
  const job = jobs(ctx).get(name);
  if (!job) throw notFound(`Job ${name} not found.`);
  return job;
}

/** The job definition members stored as given, with Glue's defaults filled in. */
function jobDefinition(input: any) {
  const { Name: _name, Tags: _tags, ...definition } = input;
  if (typeof definition.Role !== 'string' || !definition.Role) {
    throw invalidInput('Role is required');
  }
  if (typeof definition.Command !== 'object' || !definition.Command) {
    throw invalidInput('Command is required');
  }
  const maxConcurrentRuns =
    definition.ExecutionProperty?.MaxConcurrentRuns ?? 1;
  if (!Number.isInteger(maxConcurrentRuns) || maxConcurrentRuns < 1) {
    throw invalidInput('ExecutionProperty.MaxConcurrentRuns must be >= 1');
  }
  return {
    MaxRetries: 0,
    Timeout: 2880,
    GlueVersion: '4.0',
    ...definition,
    ExecutionProperty: { MaxConcurrentRuns: maxConcurrentRuns },
  };
}

export const jobOperations = {
  CreateJob(input: any, ctx: ServiceContext) {
    const name = requireString(input, 'Name');
    if (jobs(ctx).has(name)) {
      throw alreadyExists(`Job ${name} already exists.`);
    }
    const now = nowSeconds(ctx);
    jobs(ctx).put(name, {
      ...jobDefinition(input),
      Name: name,
      CreatedOn: now,
      LastModifiedOn: now,
    });
    if (input.Tags) putTags(ctx, glueArn(ctx, `job/${name}`), input.Tags);
    return { Name: name };
  },

  UpdateJob(input: any, ctx: ServiceContext) {
    const name = requireString(input, 'JobName');
    const existing = getJobOrThrow(ctx, name);
    jobs(ctx).put(name, {
      ...jobDefinition(input.JobUpdate ?? {}),
      Name: name,
      CreatedOn: existing.CreatedOn,
      LastModifiedOn: nowSeconds(ctx),
    });
    return { JobName: name };
  },

  GetJob(input: any, ctx: ServiceContext) {
    return { Job: getJobOrThrow(ctx, requireString(input, 'JobName')) };
  },

  GetJobs(input: any, ctx: ServiceContext) {
    const limit = pageSize(input.MaxResults, {
      min: 1,
      max: 1000,
      fallback: 1000,
      field: 'maxResults',
    });
    const { page, nextToken } = paginate(
      jobs(ctx).values(),
      job => job.Name,
      limit,
      input.NextToken,
    );
    return { Jobs: page, NextToken: nextToken };
  },

  /** Like Glue, deleting a job that does not exist succeeds. */
  DeleteJob(input: any, ctx: ServiceContext) {
    const name = requireString(input, 'JobName');
    jobs(ctx).delete(name);
    deleteTags(ctx, glueArn(ctx, `job/${name}`));
    return { JobName: name };
  },
};
