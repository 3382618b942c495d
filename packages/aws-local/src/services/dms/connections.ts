import { randomUUID } from 'node:crypto';
import { ServiceContext } from '../../core/types';
import { collections, describe, invalidState, requireArn } from './common';
import { getEndpointOrThrow } from './endpoints';
import { getInstanceOrThrow, instanceView } from './instances';
import { testEndpoint } from './connectionTest';

interface StoredConnection {
  ReplicationInstanceArn: string;
  EndpointArn: string;
  Status: 'testing' | 'successful' | 'failed';
  LastFailureMessage?: string;
  EndpointIdentifier: string;
  ReplicationInstanceIdentifier: string;
  testId: string;
}

const connections = (ctx: ServiceContext) =>
  ctx.state.collection<StoredConnection>(collections.connections);
const connectionKey = (instanceArn: string, endpointArn: string) =>
  `${instanceArn}|${endpointArn}`;
const view = ({ testId: _id, ...connection }: StoredConnection) => connection;

export const connectionOperations = {
  /** Starts the test and answers `testing`; DescribeConnections shows the result. */
  TestConnection(input: any, ctx: ServiceContext) {
    const instance = getInstanceOrThrow(
      ctx,
      requireArn(input, 'ReplicationInstanceArn'),
    );
    const endpoint = getEndpointOrThrow(ctx, requireArn(input, 'EndpointArn'));
    if (instanceView(instance, ctx).ReplicationInstanceStatus !== 'available') {
      throw invalidState(
        `Replication instance ${instance.ReplicationInstanceIdentifier} is not available`,
      );
    }
    const key = connectionKey(
      instance.ReplicationInstanceArn,
      endpoint.EndpointArn,
    );
    const connection: StoredConnection = {
      ReplicationInstanceArn: instance.ReplicationInstanceArn,
      EndpointArn: endpoint.EndpointArn,
      Status: 'testing',
      EndpointIdentifier: endpoint.EndpointIdentifier,
      ReplicationInstanceIdentifier: instance.ReplicationInstanceIdentifier,
      testId: randomUUID(),
    };
    connections(ctx).put(key, connection);
    testEndpoint(endpoint, ctx, Number(ctx.settings.dmsConnectTimeoutMs)).then(
      failure => {
        // A later test of the same pair, or a deleted endpoint, supersedes this result.
        if (connections(ctx).get(key)?.testId !== connection.testId) return;
        connections(ctx).put(key, {
          ...connection,
          Status: failure ? 'failed' : 'successful',
          LastFailureMessage: failure,
        });
      },
    );
    return { Connection: view(connection) };
  },

  DescribeConnections(input: any, ctx: ServiceContext) {
    const { page, marker } = describe(
      input,
      connections(ctx).values(),
      c => connectionKey(c.ReplicationInstanceArn, c.EndpointArn),
      {
        'endpoint-arn': c => c.EndpointArn,
        'replication-instance-arn': c => c.ReplicationInstanceArn,
      },
      'connections',
    );
    return { Connections: page.map(view), Marker: marker };
  },
};
