import {
  tableBlockers,
  validateSilverColumns,
  validateTableSelection,
} from './ingestionValidation';
import type { SourceFinding } from '../sources';

const findings: SourceFinding[] = [
  {
    code: 'binlog-disabled',
    severity: 'blocker',
    message: 'Binary logging is off.',
  },
  {
    code: 'table-without-key',
    severity: 'blocker',
    table: 'audit_log',
    message: 'Table audit_log has no primary key.',
  },
  {
    code: 'column-type',
    severity: 'warning',
    table: 'film',
    message: 'zero dates arrive as NULL',
  },
];
const report = {
  tables: [{ name: 'film' }, { name: 'actor' }, { name: 'audit_log' }],
  findings,
};

describe('tableBlockers', () => {
  it('collects only the blockers that name a table', () => {
    expect(tableBlockers(report)).toEqual({
      audit_log: ['Table audit_log has no primary key.'],
    });
  });
});

describe('validateTableSelection', () => {
  it('asks for at least one table', () => {
    expect(validateTableSelection([], report)).toEqual([
      'Choose at least one table to ingest.',
    ]);
    expect(validateTableSelection(undefined)).toEqual([
      'Choose at least one table to ingest.',
    ]);
  });

  it('refuses a blocked table and says why', () => {
    expect(validateTableSelection(['film', 'audit_log'], report)).toEqual([
      "Table 'audit_log' cannot be ingested: Table audit_log has no primary key.",
    ]);
  });

  it('refuses unknown and repeated tables', () => {
    expect(validateTableSelection(['nope', 'film', 'film'], report)).toEqual([
      "Table 'nope' is not a base table of the source.",
      "Table 'film' is chosen twice.",
    ]);
  });

  it('accepts tables with warnings only', () => {
    expect(validateTableSelection(['film', 'actor'], report)).toEqual([]);
  });
});

describe('validateSilverColumns', () => {
  it('accepts snake_case names', () => {
    expect(
      validateSilverColumns('film', { film_id: 'id', title: 'film_title' }),
    ).toEqual([]);
  });

  it('refuses invalid names', () => {
    expect(validateSilverColumns('film', { title: 'Film Title' })).toEqual([
      "Silver column name 'Film Title' for film.title is invalid: use lower-case letters, digits and underscores, starting with a letter or underscore (at most 255 characters).",
    ]);
    expect(validateSilverColumns('film', { title: '1title' })).toHaveLength(1);
    expect(validateSilverColumns('film', { title: '' })).toHaveLength(1);
  });

  it('refuses a name used twice', () => {
    expect(
      validateSilverColumns('film', {
        title: 'name',
        description: 'name',
      }),
    ).toEqual([
      "Silver column name 'name' is used twice in table film (for title and description).",
    ]);
  });
});
