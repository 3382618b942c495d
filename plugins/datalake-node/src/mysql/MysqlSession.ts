import mysql from 'mysql2/promise';
import {
  toSourceConnectionError,
  toSourceQueryError,
} from './connectionErrors';

/**
 * Where and as whom to connect to a MySQL or MariaDB source.
 *
 * @public
 */
export type MysqlConnectionOptions = {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  /** How long to wait for the TCP connection and the MySQL handshake; default 5,000 ms. */
  connectTimeoutMs?: number;
  /** Upper bound for each statement; default 30,000 ms. */
  queryTimeoutMs?: number;
};

/**
 * Called once for every SQL statement sent to the source, e.g. to count them in a benchmark.
 *
 * @public
 */
export type MysqlQueryListener = (sql: string) => void;

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

type Row = Record<string, unknown>;

/**
 * One connection to a source for the duration of an inspection. Every statement goes through
 * `select`, which only accepts placeholders for values: no SQL text is ever assembled from input.
 */
export class MysqlSession {
  #queryCount = 0;

  static async open(
    options: MysqlConnectionOptions,
    onQuery?: MysqlQueryListener,
  ): Promise<MysqlSession> {
    const target = `${options.host}:${options.port}`;
    try {
      const connection = await mysql.createConnection({
        host: options.host,
        port: options.port,
        user: options.user,
        password: options.password,
        database: options.database,
        connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        // Row counts and sizes can exceed 2^53; take them as strings rather than lose digits.
        supportBigNumbers: true,
        bigNumberStrings: true,
        dateStrings: true,
        multipleStatements: false,
      });
      return new MysqlSession(
        connection,
        options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
        onQuery,
      );
    } catch (error) {
      throw toSourceConnectionError(error, target);
    }
  }

  private constructor(
    private readonly connection: mysql.Connection,
    private readonly queryTimeoutMs: number,
    private readonly onQuery?: MysqlQueryListener,
  ) {}

  /** The number of statements sent so far. */
  get queryCount(): number {
    return this.#queryCount;
  }

  /**
   * Runs a SELECT or SHOW as a server-side prepared statement with `params` bound to its `?`
   * placeholders.
   */
  async select<T extends Row>(
    what: string,
    sql: string,
    params: Array<string | number> = [],
  ): Promise<T[]> {
    this.#queryCount += 1;
    this.onQuery?.(sql);
    try {
      const [rows] = await this.connection.execute({
        sql,
        values: params,
        timeout: this.queryTimeoutMs,
      });
      return rows as T[];
    } catch (error) {
      throw toSourceQueryError(error, what);
    }
  }

  async close(): Promise<void> {
    await this.connection.end().catch(() => this.connection.destroy());
  }
}

/**
 * Opens a session, runs `fn` and always closes the session again.
 */
export async function withMysqlSession<T>(
  options: MysqlConnectionOptions,
  onQuery: MysqlQueryListener | undefined,
  fn: (session: MysqlSession) => Promise<T>,
): Promise<T> {
  const session = await MysqlSession.open(options, onQuery);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}
