import { mapMysqlColumnType } from './typeMapping';

describe('mapMysqlColumnType', () => {
  it.each([
    ['int(11)', 'int', 'int', 'INTEGER', 'INT4'],
    ['int(10) unsigned', 'long', 'bigint', 'BIGINT', 'UINT4'],
    ['bigint(20)', 'long', 'bigint', 'BIGINT', 'INT8'],
    [
      'bigint(20) unsigned',
      'decimal(20,0)',
      'decimal(20,0)',
      'DECIMAL(20,0)',
      'UINT8',
    ],
    ['smallint(5) unsigned', 'int', 'int', 'INTEGER', 'UINT2'],
    ['mediumint unsigned', 'int', 'int', 'INTEGER', 'UINT4'],
    ['tinyint(3) unsigned', 'int', 'int', 'INTEGER', 'UINT1'],
    [
      'decimal(10,2)',
      'decimal(10,2)',
      'decimal(10,2)',
      'DECIMAL(10,2)',
      'NUMERIC(10,2)',
    ],
    [
      'decimal',
      'decimal(10,0)',
      'decimal(10,0)',
      'DECIMAL(10,0)',
      'NUMERIC(10,0)',
    ],
    ['float', 'double', 'double', 'DOUBLE', 'REAL4'],
    ['double', 'double', 'double', 'DOUBLE', 'REAL8'],
    ['bit(1)', 'boolean', 'boolean', 'BOOLEAN', 'BOOLEAN'],
    ['bit(64)', 'binary', 'binary', 'BLOB', 'BYTES(8)'],
    ['year(4)', 'int', 'int', 'INTEGER', 'INT2'],
    ['date', 'date', 'date', 'DATE', 'DATE'],
    ['time', 'string', 'string', 'VARCHAR', 'STRING'],
    ['datetime(3)', 'timestamp', 'timestamp_ntz', 'TIMESTAMP', 'DATETIME'],
    ['timestamp', 'timestamptz', 'timestamp', 'TIMESTAMPTZ', 'DATETIME'],
    ['varchar(45)', 'string', 'string', 'VARCHAR', 'WSTRING(45)'],
    ['json', 'string', 'string', 'VARCHAR', 'CLOB'],
    ['longtext', 'string', 'string', 'VARCHAR', 'NCLOB'],
    [
      "enum('G','PG','PG-13','R','NC-17')",
      'string',
      'string',
      'VARCHAR',
      'WSTRING(5)',
    ],
    [
      "set('Trailers','Commentaries','Deleted Scenes','Behind the Scenes')",
      'string',
      'string',
      'VARCHAR',
      'WSTRING(54)',
    ],
    ['varbinary(16)', 'binary', 'binary', 'BLOB', 'BYTES(16)'],
    ['longblob', 'binary', 'binary', 'BLOB', 'BLOB'],
    ['geometry', 'binary', 'binary', 'BLOB', 'BLOB'],
  ])('maps %s', (columnType, iceberg, spark, duckdb, dms) => {
    const mapped = mapMysqlColumnType(columnType);
    expect({
      icebergType: mapped.icebergType,
      sparkType: mapped.sparkType,
      duckdbType: mapped.duckdbType,
      dmsType: mapped.dmsType,
    }).toEqual({
      icebergType: iceberg,
      sparkType: spark,
      duckdbType: duckdb,
      dmsType: dms,
    });
    expect(mapped.notes.every(n => n.severity !== 'blocker')).toBe(true);
  });

  it('flags DECIMAL precision above 38 as a blocker', () => {
    const mapped = mapMysqlColumnType('decimal(65,2)');
    expect(mapped.icebergType).toBe('string');
    expect(mapped.notes).toEqual([
      expect.objectContaining({
        severity: 'blocker',
        message: expect.stringContaining('DECIMAL(65,2)'),
      }),
    ]);
  });

  it('warns about LOB settings, zero dates and spatial encodings', () => {
    expect(mapMysqlColumnType('mediumtext').notes[0]).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('SupportLobs'),
    });
    expect(mapMysqlColumnType('json').notes[0].message).toContain('LobMaxSize');
    expect(mapMysqlColumnType('datetime').notes[0].message).toContain(
      '0000-00-00',
    );
    expect(mapMysqlColumnType('point').notes[0]).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('spatial'),
    });
  });

  it('notes that TINYINT(1) and BOOLEAN are integers at the source', () => {
    for (const t of ['tinyint(1)', 'boolean']) {
      const mapped = mapMysqlColumnType(t);
      expect(mapped.icebergType).toBe('int');
      expect(mapped.notes[0].message).toContain('boolean');
    }
    expect(mapMysqlColumnType('tinyint(4)').notes).toEqual([]);
  });

  it('reports unknown or unparsable types as blockers instead of guessing', () => {
    for (const t of ['vector(3)', '', '(((']) {
      const mapped = mapMysqlColumnType(t);
      expect(mapped.notes.map(n => n.severity)).toEqual(['blocker']);
    }
  });

  it('reads quoted enum values containing commas and quotes', () => {
    expect(mapMysqlColumnType("enum('a,b','it''s')").dmsType).toBe(
      'WSTRING(4)',
    );
  });
});
