/**
 * Glue lower-cases names and Athena/Hive accept only letters, digits and underscores, so every name
 * that reaches the catalog goes through this one normaliser.
 */

/** Letters NFKD does not decompose into ASCII. */
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  ø: 'o',
  Ø: 'O',
  œ: 'oe',
  Œ: 'OE',
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
  þ: 'th',
  Þ: 'TH',
  ð: 'd',
  Ð: 'D',
  ı: 'i',
};

/** Glue's limit for table and column names. */
const MAX_GLUE_NAME_LENGTH = 255;

function transliterate(name: string): string {
  let out = '';
  for (const ch of name.normalize('NFKD')) {
    if (/[\u0300-\u036f]/.test(ch)) {
      continue;
    }
    const code = ch.codePointAt(0)!;
    if (code < 128) {
      out += ch;
    } else if (SPECIAL_LETTERS[ch]) {
      out += SPECIAL_LETTERS[ch];
    } else {
      // Any other script becomes its code point, so the same input always gives the same name.
      out += `_u${code.toString(16)}_`;
    }
  }
  return out;
}

/**
 * Turns any MySQL identifier into a Glue/Iceberg name: ASCII (accents dropped, other characters
 * replaced by `u<hex code point>`), camelCase split, lower case, runs of other characters collapsed
 * to one underscore, and a leading underscore added when the name would start with a digit.
 *
 * @public
 */
export function toGlueName(name: string): string {
  const ascii = transliterate(name)
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const safe = ascii === '' ? 'col' : ascii;
  const prefixed = /^[0-9]/.test(safe) ? `_${safe}` : safe;
  return prefixed.slice(0, MAX_GLUE_NAME_LENGTH);
}

/**
 * Source names that normalise to the same Glue name.
 *
 * @public
 */
export type GlueNameCollision = {
  glueName: string;
  sources: string[];
};

/**
 * The Glue names of a list of source names, with the collisions normalisation created.
 *
 * @public
 */
export type GlueNameMapping = {
  names: { source: string; glueName: string }[];
  collisions: GlueNameCollision[];
};

/**
 * Normalises a list of names (the columns of one table) and reports every Glue name that two or more
 * source names share, so a caller can refuse to build a table that would lose a column.
 *
 * @public
 */
export function toGlueNames(sources: string[]): GlueNameMapping {
  const names = sources.map(source => ({
    source,
    glueName: toGlueName(source),
  }));
  const bySource = new Map<string, string[]>();
  for (const { source, glueName } of names) {
    bySource.set(glueName, [...(bySource.get(glueName) ?? []), source]);
  }
  const collisions = [...bySource.entries()]
    .filter(([, list]) => list.length > 1)
    .map(([glueName, list]) => ({ glueName, sources: list }));
  return { names, collisions };
}

/**
 * The S3 bucket of each medallion layer when `datalake.pipeline.layers.<layer>.bucket` is not set:
 * the pipeline actions write tables there, and the backend reads Iceberg metadata only from the
 * layer buckets.
 *
 * @public
 */
export const DEFAULT_LAYER_BUCKETS = {
  bronze: 'datalake-bronze',
  silver: 'datalake-silver',
  gold: 'datalake-gold',
} as const;
