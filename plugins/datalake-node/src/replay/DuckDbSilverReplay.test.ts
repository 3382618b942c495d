import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { PipelineSpec } from '@datalake-portal/backstage-plugin-datalake-common';
import { buildPipelineSpec } from '../sql/buildPipelineSpec';
import { parseMysqlDdl } from '../sql/mysqlDdl';
import { DuckDbBronzeReplay } from './DuckDbBronzeReplay';
import { DuckDbSilverReplay } from './DuckDbSilverReplay';
import { listLandingFiles } from './landingFiles';
import { writeLanding } from './testing';

const DDL = `CREATE TABLE casts (id INT NOT NULL PRIMARY KEY, qty VARCHAR(20), price VARCHAR(20),
  flag VARCHAR(10), ratio DOUBLE, big BIGINT);`;

function castSpec(landingPath: string): PipelineSpec {
  return buildPipelineSpec(parseMysqlDdl(DDL)[0], {
    schema: 'shop',
    landingPath,
    format: 'csv',
    silverCasts: {
      qty: 'int',
      price: 'decimal(5,2)',
      flag: 'boolean',
      ratio: 'int',
      big: 'smallint',
    },
  });
}

describe('DuckDbSilverReplay', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;

  beforeEach(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  });

  afterEach(() => {
    connection.closeSync();
    instance.closeSync();
  });

  /** Loads one full-load file into bronze and merges it into silver. */
  async function mergeLoad(rows: string[]) {
    const landing = await writeLanding({
      'shop/casts/LOAD00000001.csv': `${rows.join('\n')}\n`,
    });
    const spec = castSpec(landing);
    const bronze = await DuckDbBronzeReplay.create(connection, spec);
    await bronze.apply(await listLandingFiles(landing, 'shop', 'casts', 'csv'));
    const silver = await DuckDbSilverReplay.create(connection, spec);
    return { silver, result: silver.apply() };
  }

  it('casts the values that fit, in the forms both engines read alike', async () => {
    const { silver, result } = await mergeLoad([
      '1, 5 ,1.005,true,2.0,32767',
      '2,-3,2e1,F,-4,-32768',
      '3,,,,,',
    ]);
    await expect(result).resolves.toEqual({ upserts: 3, deletes: 0 });
    expect(await silver.rowsJson()).toEqual([
      { id: 1, qty: 5, price: '1.01', flag: true, ratio: 2, big: 32767 },
      { id: 2, qty: -3, price: '20.00', flag: false, ratio: -4, big: -32768 },
      { id: 3, qty: null, price: null, flag: null, ratio: null, big: null },
    ]);
  });

  it.each([
    [
      'text that is no number',
      '1,abc,1,t,1,1',
      "value 'abc' of column qty does not fit int (key id=1)",
    ],
    [
      'a fraction for an integer (Spark truncates, DuckDB rounds)',
      '1,1.5,1,t,1,1',
      "value '1.5' of column qty does not fit int (key id=1)",
    ],
    [
      'a number form only DuckDB reads',
      '1,0x10,1,t,1,1',
      "value '0x10' of column qty does not fit int (key id=1)",
    ],
    [
      'an integer out of range',
      '1,3000000000,1,t,1,1',
      "value '3000000000' of column qty does not fit int (key id=1)",
    ],
    [
      'a decimal that overflows once rounded',
      '1,1,999.995,t,1,1',
      "value '999.995' of column price does not fit decimal(5,2) (key id=1)",
    ],
    [
      'a word that is no boolean',
      '1,1,1,maybe,1,1',
      "value 'maybe' of column flag does not fit boolean (key id=1)",
    ],
    [
      'a double with a fraction for an integer',
      '1,1,1,t,2.5,1',
      "value '2.5' of column ratio does not fit int (key id=1)",
    ],
    [
      'a bigint too large for a smallint',
      '1,1,1,t,1,40000',
      "value '40000' of column big does not fit smallint (key id=1)",
    ],
  ])(
    'fails on %s, naming table, column, value and key, and merges nothing',
    async (_case, row, message) => {
      const { silver, result } = await mergeLoad(['2,1,1,t,1,1', row]);
      await expect(result).rejects.toThrow(
        `silver.casts: ${message}; nothing was merged`,
      );
      expect(await silver.rowsJson()).toEqual([]);
    },
  );
});
