/*
 * Finds the AWS API calls in the plugins' sources, to hold BACKEND_API_CALLS to the code: every
 * command imported from an `@aws-sdk/client-*` package (`XCommand`, or a paginator
 * `paginateX`), and every `new XCommand(` whose import cannot be traced.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SDK_CLIENT_IAM_PREFIXES, SdkClientPackage } from './backendApiCalls';

/** @public */
export type FoundApiCall = {
  client: string;
  operation: string;
  /** Repository-relative files that call it. */
  files: string[];
};

/** @public */
export type ScanProblem = { file: string; message: string };

const IMPORT =
  /import\s+(type\s+)?\{([^}]*)\}\s*from\s*['"](@aws-sdk\/client-[a-z0-9-]+)['"]/g;
const NEW_COMMAND = /\bnew\s+([A-Z][A-Za-z0-9]*)Command\s*\(/g;

/** Tests, test helpers and fixtures are not the backend's calls. */
export function isTestFile(path: string): boolean {
  return (
    /\.(test|spec)\.tsx?$/.test(path) ||
    /(^|\/)(__testUtils__|__fixtures__|__mocks__|__tests__)(\/|$)/.test(path) ||
    /(^|\/)setupTests\.ts$/.test(path)
  );
}

/**
 * The calls of one source file.
 *
 * @public
 */
export function scanSource(
  file: string,
  text: string,
): {
  calls: Array<{ client: string; operation: string }>;
  problems: ScanProblem[];
} {
  const calls: Array<{ client: string; operation: string }> = [];
  const problems: ScanProblem[] = [];
  const importedFrom = new Map<string, string>();
  for (const match of text.matchAll(IMPORT)) {
    const [, typeOnly, names, client] = match;
    if (!(client in SDK_CLIENT_IAM_PREFIXES)) {
      problems.push({
        file,
        message: `imports ${client}, which SDK_CLIENT_IAM_PREFIXES does not map to an IAM prefix`,
      });
    }
    if (typeOnly) continue;
    for (const raw of names.split(',')) {
      const entry = raw.trim();
      if (!entry || entry.startsWith('type ')) continue;
      const imported = entry.split(/\s+as\s+/)[0].trim();
      const local = (entry.split(/\s+as\s+/)[1] ?? imported).trim();
      importedFrom.set(local, client);
      const command = /^([A-Z][A-Za-z0-9]*)Command$/.exec(imported);
      const paginator = /^paginate([A-Z][A-Za-z0-9]*)$/.exec(imported);
      const operation = command?.[1] ?? paginator?.[1];
      if (operation) calls.push({ client, operation });
    }
  }
  for (const match of text.matchAll(NEW_COMMAND)) {
    const local = `${match[1]}Command`;
    if (!importedFrom.has(local)) {
      problems.push({
        file,
        message: `calls new ${local}( without importing it from an @aws-sdk/client-* package`,
      });
    }
  }
  return { calls, problems };
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules') files.push(...sourceFiles(path));
    } else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) {
      files.push(path);
    }
  }
  return files;
}

/**
 * Scans `plugins/*\/src` of the repository (tests excluded).
 *
 * @public
 */
export function scanPlugins(repoRoot: string): {
  calls: FoundApiCall[];
  problems: ScanProblem[];
} {
  const found = new Map<string, FoundApiCall>();
  const problems: ScanProblem[] = [];
  const pluginsDir = join(repoRoot, 'plugins');
  for (const plugin of readdirSync(pluginsDir).sort()) {
    const src = join(pluginsDir, plugin, 'src');
    let isDir = false;
    try {
      isDir = statSync(src).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir) continue;
    for (const path of sourceFiles(src)) {
      const file = relative(repoRoot, path).split('\\').join('/');
      if (isTestFile(file)) continue;
      const result = scanSource(file, readFileSync(path, 'utf8'));
      problems.push(...result.problems);
      for (const call of result.calls) {
        const key = `${call.client}/${call.operation}`;
        const entry = found.get(key) ?? { ...call, files: [] };
        if (!entry.files.includes(file)) entry.files.push(file);
        found.set(key, entry);
      }
    }
  }
  return {
    calls: [...found.values()].sort((a, b) =>
      `${a.client}/${a.operation}`.localeCompare(`${b.client}/${b.operation}`),
    ),
    problems,
  };
}

/** Whether a client package is mapped to an IAM prefix. @public */
export function isKnownClient(client: string): client is SdkClientPackage {
  return client in SDK_CLIENT_IAM_PREFIXES;
}
