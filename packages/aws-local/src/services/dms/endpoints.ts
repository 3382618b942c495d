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
  requireArn,
} from './common';

export interface StoredEndpoint {
  EndpointIdentifier: string;
  EndpointArn: string;
  EndpointType: 'SOURCE' | 'TARGET';
  EngineName: string;
  EngineDisplayName: string;
  Username?: string;
  /** Kept for TestConnection; never returned. */
  Password?: string;
  ServerName?: string;
  Port?: number;
  DatabaseName?: string;
  Status: string;
  SslMode: string;
  [settings: string]: unknown;
}

const ENGINES: Record<string, string> = {
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  aurora: 'Amazon Aurora MySQL',
  postgres: 'PostgreSQL',
  'aurora-postgresql': 'Amazon Aurora PostgreSQL',
  s3: 'Amazon S3',
  kinesis: 'Amazon Kinesis',
};

/** Members DMS stores as given. */
const SETTINGS = [
  'Username',
  'ServerName',
  'Port',
  'DatabaseName',
  'ExtraConnectionAttributes',
  'SslMode',
  'CertificateArn',
  'KmsKeyId',
  'S3Settings',
  'MySQLSettings',
  'PostgreSQLSettings',
  'KinesisSettings',
] as const;

export const endpoints = (ctx: ServiceContext) =>
  ctx.state.collection<StoredEndpoint>(collections.endpoints);

export function getEndpointOrThrow(ctx: ServiceContext, arn: string) {
  const endpoint = endpoints(ctx).get(arn);
  if (!endpoint) throw notFound(`Endpoint ${arn} not found`);
  return endpoint;
}

/** The endpoint as DescribeEndpoints shows it: everything but the password. */
export function endpointView({
  Password: _password,
  ...endpoint
}: StoredEndpoint) {
  return endpoint;
}

function applySettings(endpoint: StoredEndpoint, input: any) {
  for (const field of SETTINGS) {
    if (input[field] !== undefined) {
      (endpoint as Record<string, unknown>)[field] = input[field];
    }
  }
  if (input.Password !== undefined) endpoint.Password = input.Password;
  if (input.Port !== undefined && !Number.isInteger(input.Port)) {
    throw invalidParameter('Port must be an integer');
  }
  if (
    endpoint.EngineName === 's3' &&
    !(endpoint.S3Settings as any)?.BucketName
  ) {
    throw invalidParameter(
      'S3Settings.BucketName is required for an S3 endpoint',
    );
  }
}

function endpointType(value: unknown): 'SOURCE' | 'TARGET' {
  const type = String(value ?? '').toUpperCase();
  if (type !== 'SOURCE' && type !== 'TARGET') {
    throw invalidParameter('EndpointType must be source or target');
  }
  return type;
}

function engine(value: unknown): string {
  const name = String(value ?? '').toLowerCase();
  if (!ENGINES[name]) {
    throw invalidParameter(
      `EngineName '${value}' is not supported by the emulator (${Object.keys(
        ENGINES,
      ).join(', ')})`,
    );
  }
  return name;
}

export const endpointOperations = {
  CreateEndpoint(input: any, ctx: ServiceContext) {
    const id = identifier(input, 'EndpointIdentifier');
    const type = endpointType(input.EndpointType);
    const engineName = engine(input.EngineName);
    if (
      endpoints(ctx)
        .values()
        .some(e => e.EndpointIdentifier === id)
    ) {
      throw alreadyExists(`Endpoint with identifier ${id} already exists`);
    }
    const endpoint: StoredEndpoint = {
      EndpointIdentifier: id,
      EndpointArn: newDmsArn(ctx, 'endpoint'),
      EndpointType: type,
      EngineName: engineName,
      EngineDisplayName: ENGINES[engineName],
      Status: 'active',
      SslMode: 'none',
    };
    applySettings(endpoint, input);
    endpoints(ctx).put(endpoint.EndpointArn, endpoint);
    return { Endpoint: endpointView(endpoint) };
  },

  DescribeEndpoints(input: any, ctx: ServiceContext) {
    const { page, marker } = describe(
      input,
      endpoints(ctx).values(),
      e => e.EndpointArn,
      {
        'endpoint-arn': e => e.EndpointArn,
        'endpoint-id': e => e.EndpointIdentifier,
        'endpoint-type': e => e.EndpointType.toLowerCase(),
        'engine-name': e => e.EngineName,
      },
      'Endpoints',
    );
    return { Endpoints: page.map(endpointView), Marker: marker };
  },

  ModifyEndpoint(input: any, ctx: ServiceContext) {
    const arn = requireArn(input, 'EndpointArn');
    const endpoint = { ...getEndpointOrThrow(ctx, arn) };
    if (input.EndpointIdentifier !== undefined) {
      const id = identifier(input, 'EndpointIdentifier');
      if (
        endpoints(ctx)
          .values()
          .some(e => e.EndpointIdentifier === id && e.EndpointArn !== arn)
      ) {
        throw alreadyExists(`Endpoint with identifier ${id} already exists`);
      }
      endpoint.EndpointIdentifier = id;
    }
    if (input.EndpointType !== undefined) {
      endpoint.EndpointType = endpointType(input.EndpointType);
    }
    if (input.EngineName !== undefined) {
      endpoint.EngineName = engine(input.EngineName);
      endpoint.EngineDisplayName = ENGINES[endpoint.EngineName];
    }
    applySettings(endpoint, input);
    endpoints(ctx).put(arn, endpoint);
    return { Endpoint: endpointView(endpoint) };
  },

  DeleteEndpoint(input: any, ctx: ServiceContext) {
    const arn = requireArn(input, 'EndpointArn');
    const endpoint = getEndpointOrThrow(ctx, arn);
    const usedBy = ctx.state
      .collection<{
        SourceEndpointArn: string;
        TargetEndpointArn: string;
        ReplicationTaskIdentifier: string;
      }>(collections.tasks)
      .values()
      .find(t => t.SourceEndpointArn === arn || t.TargetEndpointArn === arn);
    if (usedBy) {
      throw invalidState(
        `Endpoint ${endpoint.EndpointIdentifier} is used by replication task ${usedBy.ReplicationTaskIdentifier}`,
      );
    }
    endpoints(ctx).delete(arn);
    const connections = ctx.state.collection(collections.connections);
    for (const key of connections.keys().filter(k => k.endsWith(`|${arn}`))) {
      connections.delete(key);
    }
    return { Endpoint: { ...endpointView(endpoint), Status: 'deleting' } };
  },
};
