import { ServiceContext } from '../../core/types';
import {
  alreadyExists,
  collections,
  describe,
  identifier,
  invalidParameter,
  invalidState,
  newDmsArn,
  notFound,
  nowMs,
  nowSeconds,
  realMs,
  requireArn,
} from './common';
import { getEndpointOrThrow } from './endpoints';

interface StoredInstance {
  ReplicationInstanceIdentifier: string;
  ReplicationInstanceArn: string;
  ReplicationInstanceClass: string;
  AllocatedStorage: number;
  EngineVersion: string;
  InstanceCreateTime: number;
  MultiAZ: boolean;
  PubliclyAccessible: boolean;
  availableAtMs: number;
  [field: string]: unknown;
}

interface StoredConfig {
  ReplicationConfigIdentifier: string;
  ReplicationConfigArn: string;
  SourceEndpointArn: string;
  TargetEndpointArn: string;
  ReplicationType: string;
  ComputeConfig: unknown;
  TableMappings?: string;
  ReplicationSettings?: string;
  ReplicationConfigCreateTime: number;
  ReplicationConfigUpdateTime: number;
}

export const instances = (ctx: ServiceContext) =>
  ctx.state.collection<StoredInstance>(collections.instances);
const configs = (ctx: ServiceContext) =>
  ctx.state.collection<StoredConfig>(collections.configs);

/** An instance is `creating` for the configured time after CreateReplicationInstance. */
export function instanceView(
  { availableAtMs, ...instance }: StoredInstance,
  ctx: ServiceContext,
) {
  return {
    ...instance,
    ReplicationInstanceStatus:
      nowMs(ctx) < availableAtMs ? 'creating' : 'available',
  };
}

export function getInstanceOrThrow(ctx: ServiceContext, arn: string) {
  const instance = instances(ctx).get(arn);
  if (!instance) throw notFound(`Replication instance ${arn} not found`);
  return instance;
}

const MIGRATION_TYPES = new Set(['full-load', 'cdc', 'full-load-and-cdc']);

export const instanceOperations = {
  CreateReplicationInstance(input: any, ctx: ServiceContext) {
    const id = identifier(input, 'ReplicationInstanceIdentifier');
    if (
      instances(ctx)
        .values()
        .some(i => i.ReplicationInstanceIdentifier === id)
    ) {
      throw alreadyExists(`Replication instance ${id} already exists`);
    }
    const instance: StoredInstance = {
      ReplicationInstanceIdentifier: id,
      ReplicationInstanceArn: newDmsArn(ctx, 'rep'),
      ReplicationInstanceClass:
        input.ReplicationInstanceClass ?? 'dms.t3.medium',
      AllocatedStorage: input.AllocatedStorage ?? 50,
      EngineVersion: input.EngineVersion ?? '3.5.4',
      InstanceCreateTime: nowSeconds(ctx),
      MultiAZ: input.MultiAZ ?? false,
      PubliclyAccessible: input.PubliclyAccessible ?? false,
      AutoMinorVersionUpgrade: input.AutoMinorVersionUpgrade ?? true,
      NetworkType: input.NetworkType ?? 'IPV4',
      availableAtMs: nowMs(ctx) + realMs(ctx, 'dmsTaskCreatingMs'),
    };
    instances(ctx).put(instance.ReplicationInstanceArn, instance);
    return { ReplicationInstance: instanceView(instance, ctx) };
  },

  DescribeReplicationInstances(input: any, ctx: ServiceContext) {
    const { page, marker } = describe(
      input,
      instances(ctx).values(),
      i => i.ReplicationInstanceArn,
      {
        'replication-instance-arn': i => i.ReplicationInstanceArn,
        'replication-instance-id': i => i.ReplicationInstanceIdentifier,
        'replication-instance-class': i => i.ReplicationInstanceClass,
        'engine-version': i => i.EngineVersion,
      },
      'replication instances',
    );
    return {
      ReplicationInstances: page.map(i => instanceView(i, ctx)),
      Marker: marker,
    };
  },

  DeleteReplicationInstance(input: any, ctx: ServiceContext) {
    const arn = requireArn(input, 'ReplicationInstanceArn');
    const instance = getInstanceOrThrow(ctx, arn);
    const tasks = ctx.state
      .collection<{
        ReplicationInstanceArn: string;
        ReplicationTaskIdentifier: string;
      }>(collections.tasks)
      .values();
    const task = tasks.find(t => t.ReplicationInstanceArn === arn);
    if (task) {
      throw invalidState(
        `Replication instance ${instance.ReplicationInstanceIdentifier} has replication task ${task.ReplicationTaskIdentifier}`,
      );
    }
    instances(ctx).delete(arn);
    return {
      ReplicationInstance: {
        ...instanceView(instance, ctx),
        ReplicationInstanceStatus: 'deleting',
      },
    };
  },

  CreateReplicationConfig(input: any, ctx: ServiceContext) {
    const id = identifier(input, 'ReplicationConfigIdentifier');
    if (
      configs(ctx)
        .values()
        .some(c => c.ReplicationConfigIdentifier === id)
    ) {
      throw alreadyExists(`Replication config ${id} already exists`);
    }
    const source = getEndpointOrThrow(
      ctx,
      requireArn(input, 'SourceEndpointArn'),
    );
    const target = getEndpointOrThrow(
      ctx,
      requireArn(input, 'TargetEndpointArn'),
    );
    checkMigrationType(input.ReplicationType, 'ReplicationType');
    const now = nowSeconds(ctx);
    const config: StoredConfig = {
      ReplicationConfigIdentifier: id,
      ReplicationConfigArn: newDmsArn(ctx, 'replication-config'),
      SourceEndpointArn: source.EndpointArn,
      TargetEndpointArn: target.EndpointArn,
      ReplicationType: input.ReplicationType,
      ComputeConfig: input.ComputeConfig ?? { MaxCapacityUnits: 16 },
      TableMappings: input.TableMappings,
      ReplicationSettings: input.ReplicationSettings,
      ReplicationConfigCreateTime: now,
      ReplicationConfigUpdateTime: now,
    };
    configs(ctx).put(config.ReplicationConfigArn, config);
    return { ReplicationConfig: config };
  },

  DescribeReplicationConfigs(input: any, ctx: ServiceContext) {
    const { page, marker } = describe(
      input,
      configs(ctx).values(),
      c => c.ReplicationConfigArn,
      {
        'replication-config-arn': c => c.ReplicationConfigArn,
        'replication-config-id': c => c.ReplicationConfigIdentifier,
      },
      'replication configs',
    );
    return { ReplicationConfigs: page, Marker: marker };
  },

  DeleteReplicationConfig(input: any, ctx: ServiceContext) {
    const arn = requireArn(input, 'ReplicationConfigArn');
    const config = configs(ctx).get(arn);
    if (!config) throw notFound(`Replication config ${arn} not found`);
    configs(ctx).delete(arn);
    return { ReplicationConfig: config };
  },
};

export function checkMigrationType(value: unknown, field: string) {
  if (typeof value !== 'string' || !MIGRATION_TYPES.has(value)) {
    throw invalidParameter(
      `${field} must be one of full-load, cdc, full-load-and-cdc`,
    );
  }
  return value;
}
