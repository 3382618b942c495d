/*
 * Loads the Spark SQL parser of dt-sql-parser (an ANTLR 4 grammar of Spark SQL). The package ships
 * ES modules written for bundlers: relative imports without a file extension and no `"type":
 * "module"` in its package.json, which Node's own resolver refuses. A synchronous module hook,
 * scoped to the files of that one package, supplies the extension and the module format, so the
 * parser loads the same under `backstage-cli package start`, a plain `node` of the built backend
 * and Jest (which transforms node_modules itself and never reaches the hook).
 *
 * Loaded on first use: the generated parser is large (about a second to load), and most users of
 * this package never check gold SQL.
 */
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { dirname, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SparkSQL as SparkSQLClass } from 'dt-sql-parser/dist/parser/spark';
import type * as SparkSqlParserModule from 'dt-sql-parser/dist/lib/spark/SparkSqlParser';
import type * as SparkSqlLexerModule from 'dt-sql-parser/dist/lib/spark/SparkSqlLexer';

export type SparkParserModules = {
  SparkSQL: typeof SparkSQLClass;
  parser: typeof SparkSqlParserModule;
  lexer: typeof SparkSqlLexerModule;
};

let loaded: SparkParserModules | undefined;

function allowExtensionlessImports() {
  const packageRoot = `${
    pathToFileURL(dirname(require.resolve('dt-sql-parser/package.json'))).href
  }/`;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const inPackage = context.parentURL?.startsWith(packageRoot) ?? false;
      if (inPackage && specifier.startsWith('.') && !extname(specifier)) {
        const base = new URL(specifier, context.parentURL);
        for (const candidate of [`${base.href}.js`, `${base.href}/index.js`]) {
          if (existsSync(new URL(candidate))) {
            return { url: candidate, format: 'module', shortCircuit: true };
          }
        }
      }
      const resolved = nextResolve(specifier, context);
      return resolved.url.startsWith(packageRoot)
        ? { ...resolved, format: 'module' }
        : resolved;
    },
  });
}

/** The Spark SQL parser classes, loaded once. */
export function sparkParser(): SparkParserModules {
  if (!loaded) {
    allowExtensionlessImports();
    // require, not import: the hook above must be in place before these files load.
    loaded = {
      SparkSQL: require('dt-sql-parser/dist/parser/spark').SparkSQL,
      parser: require('dt-sql-parser/dist/lib/spark/SparkSqlParser'),
      lexer: require('dt-sql-parser/dist/lib/spark/SparkSqlLexer'),
    };
  }
  return loaded;
}
