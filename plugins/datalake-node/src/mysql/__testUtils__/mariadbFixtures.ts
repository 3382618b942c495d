/*
 * Test helpers that work against real MariaDB servers: the two that scripts/services.sh starts
 * (127.0.0.1:3306, CDC-ready; 127.0.0.1:3307, binary log off) and throwaway servers started with
 * binary logging for the CDC tests.
 */
import { spawn, ChildProcess, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';

/** The shared fixtures live beside the repository: /work/shared next to /work/main. */
export const SAKILA_DIR = path.resolve(
  __dirname,
  '../../../../../../shared/fixtures/mysql/sakila',
);

export type MariadbEndpoint = {
  host: string;
  port: number;
  socketPath?: string;
};

/** The CDC-ready server: binary log on, ROW, FULL, checksum NONE (the demo's source). */
export const MAIN_MARIADB: MariadbEndpoint = { host: '127.0.0.1', port: 3306 };

/** A server that is not ready for CDC: binary logging is off, as Debian installs it. */
export const NOT_CDC_READY_MARIADB: MariadbEndpoint = {
  host: '127.0.0.1',
  port: 3307,
};

function clientArgs(server: MariadbEndpoint): string[] {
  return server.socketPath
    ? [
        '--comments',
        '--protocol=SOCKET',
        `--socket=${server.socketPath}`,
        '-uroot',
      ]
    : ['--comments', `-h${server.host}`, `-P${server.port}`, '-uroot'];
}

/** Pipes SQL to the `mariadb` client, which understands the DELIMITER blocks of the fixture. */
export async function runSqlScript(
  server: MariadbEndpoint,
  sql: string,
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('mariadb', clientArgs(server), {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', d => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', code =>
      code === 0
        ? resolve()
        : reject(new Error(`mariadb exited ${code}: ${stderr}`)),
    );
    child.stdin.end(sql);
  });
}

/**
 * Loads the Sakila fixture into `database` (instead of `sakila`). MariaDB skips MySQL 5.7
 * version comments (`/*!50705 … *\/`), which hold the GEOMETRY column `address.location` and its
 * values; they are unwrapped so the schema is the one MySQL 5.7+ gets.
 */
export async function loadSakila(
  server: MariadbEndpoint,
  database: string,
  options: { withData: boolean },
): Promise<void> {
  const retarget = (sql: string) =>
    sql
      // The fixture's own first statement would drop the demo's `sakila` database.
      .replace(/^DROP SCHEMA IF EXISTS sakila;/m, '')
      .replace(/^CREATE SCHEMA sakila;/m, `CREATE DATABASE \`${database}\`;`)
      .replace(/^USE sakila;/gm, `USE \`${database}\`;`)
      .replace(/\bsakila\./g, `\`${database}\`.`)
      .replace(/\/\*!50705 ([\s\S]*?)\*\//g, '$1');
  const schema = retarget(
    fs.readFileSync(path.join(SAKILA_DIR, 'sakila-schema.sql'), 'utf8'),
  );
  await runSqlScript(server, schema);
  if (options.withData) {
    const data = retarget(
      fs.readFileSync(path.join(SAKILA_DIR, 'sakila-data.sql'), 'utf8'),
    );
    await runSqlScript(server, data);
  }
}

export async function rootConnection(server: MariadbEndpoint) {
  return mysql.createConnection({
    ...(server.socketPath
      ? { socketPath: server.socketPath }
      : { host: server.host, port: server.port }),
    user: 'root',
    multipleStatements: true,
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export type ThrowawayMariadb = MariadbEndpoint & { stop(): Promise<void> };

/**
 * Starts a private MariaDB with binary logging set up the way DMS wants it (ROW, FULL, NONE) on a
 * free port, and waits until it accepts connections.
 */
export async function startCdcReadyMariadb(): Promise<ThrowawayMariadb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datalake-cdc-mariadb-'));
  fs.chmodSync(dir, 0o755);
  execFileSync('chown', ['mysql:mysql', dir]);
  execFileSync(
    'mariadb-install-db',
    [
      '--user=mysql',
      `--datadir=${dir}/data`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ],
    { stdio: 'ignore' },
  );
  const port = await freePort();
  const socketPath = `${dir}/sock`;
  const child: ChildProcess = spawn(
    '/usr/sbin/mariadbd',
    [
      '--no-defaults',
      '--user=mysql',
      `--datadir=${dir}/data`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socketPath}`,
      `--pid-file=${dir}/pid`,
      `--log-bin=${dir}/binlog`,
      '--binlog-format=ROW',
      '--binlog-row-image=FULL',
      '--binlog-checksum=NONE',
      '--server-id=1',
      '--expire-logs-days=1',
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=32M',
    ],
    { stdio: 'ignore' },
  );

  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise(r => setTimeout(r, 10_000))]);
      if (child.exitCode === null) {
        child.kill('SIGKILL');
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const conn = await mysql.createConnection({ socketPath, user: 'root' });
      await conn.end();
      break;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) {
        await stop();
        throw new Error(`the throwaway MariaDB did not start: ${error}`);
      }
      await new Promise(r => setTimeout(r, 200));
    }
  }
  return { host: '127.0.0.1', port, socketPath, stop };
}
