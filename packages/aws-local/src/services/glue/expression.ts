const compiled = new Map<string, RegExp>();

/**
 * Glue's `GetTables` `Expression`: a regular expression on table names, where a bare `*`
 * also works as a wildcard (`sales*`), matched case-insensitively against the whole name.
 */
export function tableNameMatcher(expression: string | undefined) {
  if (!expression) return undefined;
  let regex = compiled.get(expression);
  if (!regex) {
    const source = expression.replace(/(^|[^.\\\])])\*/g, '$1.*');
    try {
      regex = new RegExp(`^(?:${source})$`, 'i');
    } catch {
      return null;
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(expression, regex);
  }
  return regex;
}
