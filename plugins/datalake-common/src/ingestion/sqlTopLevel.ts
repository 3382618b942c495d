/*
 * Reading a SELECT at its top level: outside parentheses and quoted text. Shared by the gold
 * column preview and the backend's column lineage, so both split a select list the same way.
 */

/** Calls `visit` for every character at depth 0 outside quotes; stops when it returns true. */
function scanTopLevel(text: string, visit: (index: number) => boolean | void) {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
    } else if (ch === '(') {
      depth++;
    } else if (ch === ')') {
      depth--;
    } else if (depth === 0 && visit(i)) {
      return;
    }
  }
}

/**
 * Splits at top-level commas; empty items are dropped.
 *
 * @public
 */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  scanTopLevel(text, i => {
    if (text[i] === ',') {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  });
  parts.push(text.slice(start).trim());
  return parts.filter(Boolean);
}

/**
 * The position of the top-level FROM of a select, or -1.
 *
 * @public
 */
export function topLevelFrom(sql: string): number {
  let found = -1;
  scanTopLevel(sql, i => {
    if (/^from\b/i.test(sql.slice(i, i + 5)) && /\s/.test(sql[i - 1] ?? ' ')) {
      found = i;
      return true;
    }
    return false;
  });
  return found;
}
