import path from 'node:path';
import {
  findLandingSchema,
  isFullLoadFile,
  listLandingFiles,
} from './landingFiles';
import { writeLanding } from './testing';

describe('listLandingFiles in the layout of one full-load-and-cdc DMS task', () => {
  it('lists the full load by counter, then CDC files by timestamp across date folders', async () => {
    const root = await writeLanding({
      'shop/orders/LOAD0000000A.parquet': '',
      'shop/orders/LOAD00000002.parquet': '',
      'shop/orders/20240102-080000000.parquet': '',
      'shop/orders/2024/01/01/20240101-235959999.parquet': '',
      'shop/orders/2024/01/03/20240103-000000001.parquet': '',
      'shop/orders/2024/01/03/notes.txt': '',
      'shop/orders_archive/LOAD00000001.parquet': '',
    });
    const files = await listLandingFiles(root, 'shop', 'orders', 'parquet');
    expect(files.map(f => [f.name, f.phase])).toEqual([
      ['shop/orders/LOAD00000002.parquet', 'full-load'],
      ['shop/orders/LOAD0000000A.parquet', 'full-load'],
      ['shop/orders/2024/01/01/20240101-235959999.parquet', 'cdc'],
      ['shop/orders/20240102-080000000.parquet', 'cdc'],
      ['shop/orders/2024/01/03/20240103-000000001.parquet', 'cdc'],
    ]);
    expect(files[2].absolutePath).toBe(
      path.join(root, 'shop/orders/2024/01/01/20240101-235959999.parquet'),
    );
  });

  it('finds nothing in the two-task layout (initial-load/ and cdc-load/ folders)', async () => {
    const root = await writeLanding({
      'initial-load/shop/orders/LOAD00000001.csv': '1\n',
      'cdc-load/shop/orders/20240101-100000000.csv': 'I,2\n',
    });
    expect(await listLandingFiles(root, 'shop', 'orders', 'csv')).toEqual([]);
    await expect(findLandingSchema(root, 'orders')).rejects.toThrow(
      /no folder <schema>\/orders under/,
    );
  });

  it('tells full-load files by name, directly in the table folder only', () => {
    expect(isFullLoadFile('s/t/LOAD00000001.csv', 's', 't')).toBe(true);
    expect(isFullLoadFile('s/t/2024/01/01/LOAD00000001.csv', 's', 't')).toBe(
      false,
    );
    expect(isFullLoadFile('s/t/20240101-100000000.csv', 's', 't')).toBe(false);
    expect(isFullLoadFile('s/t2/LOAD00000001.csv', 's', 't')).toBe(false);
  });
});
