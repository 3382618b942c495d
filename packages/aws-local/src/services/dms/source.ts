/*
 * The MySQL-family source of a task: connection settings, column metadata and binlog positions.
 */
import mysql from 'mysql2/promise';
import { ServiceContext } from '../../core/types';
import { SourceColumn } from './encoding';
import { StoredEndpoint } from './endpoints';

export interface BinlogPosition {
  file: string;
  position: number;
}

/** The keys of a DMS endpoint secret's JSON SecretString. */
interface EndpointSecret {
  username?: unknown;
  password?: unknown;
  host?: unknown;
  port?: unknown;
}

/**
 * The endpoint with the connection details of its Secrets Manager secret, when it names one
 * (`MySQLSettings.SecretsManagerSecretId`: "the full ARN, partial ARN, or friendly name of the
 * SecretsManagerSecret that contains the MySQL endpoint connection details",
 * https://docs.aws.amazon.com/dms/latest/APIReference/API_MySQLSettings.html). The secret's
 * SecretString is the JSON that "Using secrets to access AWS Database Migration Service
 * endpoints" documents (https://docs.aws.amazon.com/dms/latest/userguide/security_iam_secretsmanager.html):
 * `username`, `password`, `host` and `port`; the emulator takes `host` and `port` from the
 * endpoint's ServerName and Port when the secret has none. The secret is read through the
 * emulated Secrets Manager, as DMS reads it when a task starts or a connection is tested.
 *
 * `SecretsManagerAccessRoleArn` is accepted and not checked: the emulator has no IAM, so DMS
 * needs no role to assume before it reads the secret.
 *
 * Throws an Error with a message for the task's or connection's failure when the secret is
 * missing or is not such a JSON document. The resolved endpoint holds the password: it lives
 * only in memory, for the connections of a task or test, and is never stored.
 */
export async function resolveSourceEndpoint(
  ctx: ServiceContext,
  endpoint: StoredEndpoint,
): Promise<StoredEndpoint> {
  const secretId = (
    endpoint.MySQLSettings as { SecretsManagerSecretId?: string } | undefined
  )?.SecretsManagerSecretId;
  if (!secretId) return endpoint;
  const failure = (reason: string) =>
    new Error(
      `Endpoint ${endpoint.EndpointIdentifier} could not read its connection details from Secrets Manager secret ${secretId}: ${reason}`,
    );
  let secretString: unknown;
  try {
    const value = await ctx.invoke('secretsmanager', 'GetSecretValue', {
      SecretId: secretId,
    });
    secretString = value.SecretString;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    throw failure(code ? `${code}: ${message}` : String(message ?? error));
  }
  if (typeof secretString !== 'string') {
    throw failure(
      'the secret has no SecretString (a binary secret); DMS needs a JSON SecretString',
    );
  }
  let secret: EndpointSecret;
  try {
    secret = JSON.parse(secretString);
  } catch {
    throw failure(
      'the SecretString is not JSON; DMS needs {"username", "password", "host", "port"}',
    );
  }
  if (!secret || typeof secret !== 'object' || Array.isArray(secret)) {
    throw failure(
      'the SecretString is not a JSON object; DMS needs {"username", "password", "host", "port"}',
    );
  }
  if (typeof secret.username !== 'string' || !secret.username) {
    throw failure('the secret has no "username"');
  }
  if (typeof secret.password !== 'string') {
    throw failure('the secret has no "password"');
  }
  const host = secret.host ?? endpoint.ServerName;
  if (typeof host !== 'string' || !host) {
    throw failure(
      'neither the secret ("host") nor the endpoint (ServerName) names the server',
    );
  }
  // A port may be a number or, as people often write secrets by hand, a numeric string.
  const port = secret.port ?? endpoint.Port;
  if (port === undefined || port === null || port === '') {
    throw failure(
      'neither the secret ("port") nor the endpoint (Port) gives the port',
    );
  }
  if (!Number.isInteger(Number(port)) || Number(port) <= 0) {
    throw failure(`"port" ${JSON.stringify(port)} is not a port number`);
  }
  return {
    ...endpoint,
    ServerName: host,
    Port: Number(port),
    Username: secret.username,
    Password: secret.password,
  };
}

/**
 * mysql2 settings shared by the full load and the binlog client: values as exact strings
 * (DECIMAL, BIGINT, dates), and the session in UTC so that TIMESTAMP values arrive in UTC, which
 * is what DMS writes ("the time is converted to UTC on the target", CHAP_Source.MySQL.html).
 * `endpoint` is one that {@link resolveSourceEndpoint} resolved.
 */
export function sourceConnectionOptions(
  endpoint: StoredEndpoint,
  timeoutMs: number,
) {
  if (!endpoint.ServerName || !endpoint.Port) {
    throw new Error(
      `Endpoint ${endpoint.EndpointIdentifier} has no ServerName and Port to connect to (nor a Secrets Manager secret that gives them)`,
    );
  }
  return {
    host: endpoint.ServerName,
    port: endpoint.Port,
    user: endpoint.Username,
    password: endpoint.Password ?? '',
    connectTimeout: timeoutMs,
    dateStrings: true as const,
    supportBigNumbers: true,
    bigNumberStrings: true,
    jsonStrings: true,
    timezone: 'Z',
  };
}

export async function connectSource(
  endpoint: StoredEndpoint,
  timeoutMs: number,
) {
  const connection = await mysql.createConnection({
    ...sourceConnectionOptions(endpoint, timeoutMs),
    // Spatial values as the bytes MySQL stores; mysql2 would otherwise parse them.
    typeCast: (field: any, next: () => unknown) =>
      field.type === 'GEOMETRY' ? field.buffer() : next(),
  });
  await connection.query("SET time_zone = '+00:00'");
  return connection;
}

export async function readColumns(
  connection: mysql.Connection,
  schema: string,
  table: string,
): Promise<SourceColumn[]> {
  const [rows] = await connection.query(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType,
            NUMERIC_PRECISION AS numericPrecision, NUMERIC_SCALE AS numericScale
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
      ORDER BY ORDINAL_POSITION`,
    [schema, table],
  );
  return (rows as SourceColumn[]).map(r => ({
    ...r,
    numericPrecision:
      r.numericPrecision === null ? null : Number(r.numericPrecision),
    numericScale: r.numericScale === null ? null : Number(r.numericScale),
  }));
}

export async function primaryKey(
  connection: mysql.Connection,
  schema: string,
  table: string,
): Promise<string[]> {
  const [rows] = await connection.query(
    `SELECT COLUMN_NAME AS name FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX`,
    [schema, table],
  );
  return (rows as { name: string }[]).map(r => r.name);
}

/** Where the binary log ends now; DMS starts CDC of a full-load-and-cdc task here. */
export async function currentBinlogPosition(
  connection: mysql.Connection,
): Promise<BinlogPosition> {
  const [rows] = await connection.query('SHOW MASTER STATUS');
  const row = (rows as { File: string; Position: number }[])[0];
  if (!row) {
    throw new Error(
      'The source has no binary log (log_bin is OFF): CDC needs binlog_format=ROW (CHAP_Source.MySQL.html#CHAP_Source.MySQL.Prerequisites)',
    );
  }
  return { file: row.File, position: Number(row.Position) };
}

/**
 * The binlog position of the consistent snapshot of the transaction that `connection` opened
 * with `START TRANSACTION WITH CONSISTENT SNAPSHOT`: MariaDB's `binlog_snapshot_file` and
 * `binlog_snapshot_position` status variables, which inside such a transaction give the position
 * that matches what it reads (https://mariadb.com/kb/en/enhancements-for-start-transaction-with-consistent-snapshot/).
 * Undefined on servers without them (MySQL).
 */
export async function snapshotBinlogPosition(
  connection: mysql.Connection,
): Promise<BinlogPosition | undefined> {
  const [rows] = await connection.query("SHOW STATUS LIKE 'binlog_snapshot_%'");
  const vars = Object.fromEntries(
    (rows as { Variable_name: string; Value: string }[]).map(r => [
      r.Variable_name.toLowerCase(),
      String(r.Value),
    ]),
  );
  const file = vars.binlog_snapshot_file;
  const position = Number(vars.binlog_snapshot_position);
  if (!file || !Number.isFinite(position)) return undefined;
  return { file, position };
}

/**
 * Opens a transaction with a consistent snapshot on `connection` for a table's load during CDC,
 * and resolves to the binlog position its reads match: the table's changes up to it are in the
 * load, the later ones are CDC. Where the server gives no snapshot position (MySQL), the position
 * read just before the snapshot: a change made in between is then in the load and also written
 * as CDC, never lost (as for the first full load, whose CDC starts before it).
 */
export async function startSnapshot(
  connection: mysql.Connection,
): Promise<BinlogPosition> {
  const current = await currentBinlogPosition(connection);
  await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
  return (await snapshotBinlogPosition(connection)) ?? current;
}

/** The oldest binlog still on the server, for a CDC start time. */
export async function firstBinlogPosition(
  connection: mysql.Connection,
): Promise<BinlogPosition> {
  const [rows] = await connection.query('SHOW BINARY LOGS');
  const row = (rows as { Log_name: string }[])[0];
  if (!row) throw new Error('The source has no binary log (log_bin is OFF)');
  return { file: row.Log_name, position: 4 };
}

/** Binlog settings DMS requires of a MySQL source (CHAP_Source.MySQL.html, "self-managed"). */
export async function checkCdcReady(connection: mysql.Connection) {
  const [rows] = await connection.query(
    `SHOW VARIABLES WHERE Variable_name IN ('log_bin','binlog_format','binlog_row_image')`,
  );
  const vars = Object.fromEntries(
    (rows as { Variable_name: string; Value: string }[]).map(r => [
      r.Variable_name,
      String(r.Value).toUpperCase(),
    ]),
  );
  const problems = [
    vars.log_bin !== 'ON' && 'log_bin is OFF',
    vars.binlog_format !== 'ROW' &&
      `binlog_format is ${vars.binlog_format}, not ROW`,
    vars.binlog_row_image !== 'FULL' &&
      `binlog_row_image is ${vars.binlog_row_image}, not FULL`,
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new Error(`The source is not ready for CDC: ${problems.join('; ')}`);
  }
}
