import net from 'node:net';
import mysql from 'mysql2/promise';
import { ServiceContext } from '../../core/types';
import { StoredEndpoint } from './endpoints';
import { resolveSourceEndpoint } from './source';

const MYSQL_ENGINES = new Set(['mysql', 'mariadb', 'aurora']);

/**
 * Tests an endpoint the way DMS does: a MySQL-family source is really logged into with the
 * endpoint's credentials (or its Secrets Manager secret's); an S3 endpoint needs its bucket in the emulated S3; other engines
 * need their port to accept a TCP connection. Resolves to the failure message, or undefined.
 */
export async function testEndpoint(
  stored: StoredEndpoint,
  ctx: ServiceContext,
  timeoutMs: number,
): Promise<string | undefined> {
  try {
    // An endpoint with `MySQLSettings.SecretsManagerSecretId` logs in with its secret's details;
    // a missing or malformed secret is the test's failure message.
    const endpoint = await resolveSourceEndpoint(ctx, stored);
    if (endpoint.EngineName === 's3') {
      const bucket = (endpoint.S3Settings as { BucketName: string }).BucketName;
      await ctx.invoke('s3', 'HeadBucket', { Bucket: bucket });
      return undefined;
    }
    if (!endpoint.ServerName || !endpoint.Port) {
      return 'Endpoint has no ServerName and Port to connect to';
    }
    if (MYSQL_ENGINES.has(endpoint.EngineName)) {
      const connection = await mysql.createConnection({
        host: endpoint.ServerName,
        port: endpoint.Port,
        user: endpoint.Username,
        password: endpoint.Password ?? '',
        database: endpoint.DatabaseName,
        connectTimeout: timeoutMs,
      });
      try {
        await connection.query('SELECT 1');
      } finally {
        await connection.end();
      }
      return undefined;
    }
    await tcpConnect(endpoint.ServerName, endpoint.Port, timeoutMs);
    return undefined;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code === 'NoSuchBucket' || code === 'NotFound') {
      return `Test connection for the S3 endpoint failed: the bucket does not exist (${message})`;
    }
    return message || String(error);
  }
}

function tcpConnect(host: string, port: number, timeoutMs: number) {
  return new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`connect ETIMEDOUT ${host}:${port}`));
    });
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}
