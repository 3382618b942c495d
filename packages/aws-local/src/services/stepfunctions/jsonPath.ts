/*
 * The JsonPath subset the interpreter supports: `$`, `$.a.b`, `$.a[0]`, `$['a']` and the context
 * object through `$$.`. Reading a path that does not exist is a States.Runtime failure, as in AWS.
 */
import { JsonValue } from './asl';
import { runtimeError } from './errors';

type Segment = string | number;

function parsePath(path: string): { root: '$' | '$$'; segments: Segment[] } {
  const root = path.startsWith('$$') ? '$$' : '$';
  if (!path.startsWith('$')) {
    throw runtimeError(`Invalid JsonPath: ${path}`);
  }
  const rest = path.slice(root.length);
  const segments: Segment[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  let index = 0;
  while (index < rest.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(rest);
    if (!match) {
      throw runtimeError(`Invalid JsonPath: ${path}`);
    }
    if (match[1] !== undefined) {
      segments.push(match[1]);
    } else if (match[2] !== undefined) {
      segments.push(Number(match[2]));
    } else {
      segments.push(match[3] ?? match[4]);
    }
    index = pattern.lastIndex;
  }
  return { root, segments };
}

/** Reads `path` from `data` (or from `context` for `$$.` paths). */
export function readPath(
  path: string,
  data: JsonValue,
  context?: JsonValue,
): JsonValue {
  const { root, segments } = parsePath(path);
  let current: any = root === '$$' ? context ?? {} : data;
  for (const segment of segments) {
    const found =
      typeof segment === 'number'
        ? Array.isArray(current) && segment < current.length
        : current !== null &&
          typeof current === 'object' &&
          !Array.isArray(current) &&
          Object.prototype.hasOwnProperty.call(current, segment);
    if (!found) {
      throw runtimeError(
        `The JSONPath '${path}' could not be found in the input '${JSON.stringify(
          data,
        )}'`,
      );
    }
    current = current[segment as any];
  }
  return current;
}

/**
 * Returns a copy of `data` with `value` placed at `path` (the ResultPath rule): `$` replaces
 * the whole document, missing objects on the way are created.
 */
export function writePath(
  path: string,
  data: JsonValue,
  value: JsonValue,
): JsonValue {
  const { root, segments } = parsePath(path);
  if (root === '$$') {
    throw runtimeError(
      `ResultPath cannot refer to the context object: ${path}`,
    );
  }
  if (segments.length === 0) {
    return value;
  }
  const copy: any =
    data !== null && typeof data === 'object' ? structuredClone(data) : {};
  if (Array.isArray(copy) && typeof segments[0] === 'string') {
    throw runtimeError(`Unable to apply ResultPath ${path} to an array input`);
  }
  let target = copy;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i];
    const next = target[segment as any];
    if (next === undefined || next === null || typeof next !== 'object') {
      target[segment as any] = typeof segments[i + 1] === 'number' ? [] : {};
    }
    target = target[segment as any];
  }
  target[segments[segments.length - 1] as any] = value;
  return copy;
}

/**
 * Resolves a Parameters / ResultSelector / ItemSelector template: keys ending in `.$` take the
 * value of their path (`$` input or `$$` context), other values are copied as they are.
 */
export function resolveTemplate(
  template: JsonValue,
  data: JsonValue,
  context: JsonValue,
): JsonValue {
  if (Array.isArray(template)) {
    return template.map(item => resolveTemplate(item, data, context));
  }
  if (template === null || typeof template !== 'object') {
    return template;
  }
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) {
      if (typeof value !== 'string') {
        throw runtimeError(`The value of ${key} must be a JsonPath string`);
      }
      if (value.startsWith('States.')) {
        throw runtimeError(
          `Intrinsic functions are not supported by the emulator: ${value}`,
        );
      }
      out[key.slice(0, -2)] = readPath(value, data, context);
    } else {
      out[key] = resolveTemplate(value, data, context);
    }
  }
  return out;
}
