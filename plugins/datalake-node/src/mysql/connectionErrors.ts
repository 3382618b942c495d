import { assertError, InputError, NotAllowedError } from '@backstage/errors';

/** Error codes (Node.js socket codes and MySQL server codes) that mean "check the source settings". */
const CONNECTION_PROBLEMS: Record<string, (target: string) => string> = {
  ETIMEDOUT: t => `no answer from ${t} within the connect timeout`,
  ECONNREFUSED: t =>
    `${t} refused the connection (is the server running on that port?)`,
  ENOTFOUND: t => `the host of ${t} cannot be resolved`,
  EAI_AGAIN: t => `the host of ${t} cannot be resolved right now`,
  EHOSTUNREACH: t => `${t} is unreachable from the backend`,
  ENETUNREACH: t => `${t} is unreachable from the backend (no route)`,
  ECONNRESET: t => `${t} closed the connection during the handshake`,
  PROTOCOL_CONNECTION_LOST: t =>
    `${t} closed the connection before the MySQL handshake finished`,
  ER_ACCESS_DENIED_ERROR: t =>
    `MySQL at ${t} rejected the user name or password`,
  ER_ACCESS_DENIED_NO_PASSWORD_ERROR: t =>
    `MySQL at ${t} rejected the user name or password`,
  ER_BAD_DB_ERROR: t => `the database does not exist on ${t}`,
  ER_DBACCESS_DENIED_ERROR: t =>
    `the configured user may not access the database on ${t}`,
  ER_HOST_NOT_PRIVILEGED: t =>
    `${t} does not accept connections from the backend's host for this user`,
  ER_CON_COUNT_ERROR: t => `${t} has too many connections`,
};

/**
 * Turns a failure to reach or log in to a MySQL source into an `InputError`: the cause is in the
 * source settings (host, port, credentials, database), not in the backend. Anything else is
 * rethrown unchanged.
 */
export function toSourceConnectionError(error: unknown, target: string): Error {
  assertError(error);
  const code = (error as Error & { code?: string }).code;
  const describe = code ? CONNECTION_PROBLEMS[code] : undefined;
  if (describe) {
    return new InputError(
      `Cannot connect to the MySQL source: ${describe(target)} (${code})`,
    );
  }
  // Any other refusal by the server during the handshake is still about the source settings.
  if (code?.startsWith('ER_')) {
    return new InputError(
      `Cannot connect to the MySQL source: ${target} refused the connection: ${error.message} (${code})`,
    );
  }
  return error;
}

/**
 * Turns a failed information_schema or SHOW statement into a clear error; permission problems
 * become `NotAllowedError` naming what the configured user lacks.
 */
export function toSourceQueryError(error: unknown, what: string): Error {
  assertError(error);
  const code = (error as Error & { code?: string }).code;
  if (
    code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR' ||
    code === 'ER_TABLEACCESS_DENIED_ERROR'
  ) {
    return new NotAllowedError(
      `The source user may not read ${what}: ${error.message}`,
    );
  }
  return error;
}
