import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from './replay';
import { writeLanding } from '../replay/testing';

describe('datalake replay', () => {
  it('replays a CSV landing folder to a sorted CSV and applies nothing on a rerun with --db', async () => {
    const landing = await writeLanding({
      'app/Tab/LOAD00000001.csv': '2,"b, c"\n1,a\n',
      'app/Tab/20240101-100000000.csv': 'U,1,"say ""x"""\nD,2,\nI,3,\n',
      'ddl.sql':
        'CREATE TABLE Tab (ID INT NOT NULL PRIMARY KEY, `Note Text` TEXT);',
    });
    const out = path.join(landing, 'out.csv');
    const db = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'dl-db-')),
      'r.duckdb',
    );
    const args = ['--ddl', path.join(landing, 'ddl.sql'), '--landing', landing];
    const write = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation(() => true);
    try {
      expect(
        await run([...args, '--format', 'csv', '--out', out, '--db', db]),
      ).toBe(0);
      expect(fs.readFileSync(out, 'utf8')).toBe(
        'id,note_text\n1,"say ""x"""\n3,\n',
      );
      expect(
        await run([...args, '--format', 'csv', '--out', out, '--db', db]),
      ).toBe(0);
      expect(write).toHaveBeenLastCalledWith(
        expect.stringContaining(
          'applied 0 file(s) with 0 change row(s), skipped 2',
        ),
      );
      expect(fs.readFileSync(out, 'utf8')).toBe(
        'id,note_text\n1,"say ""x"""\n3,\n',
      );
    } finally {
      write.mockRestore();
    }
  });

  it('rejects a bad format with a clear error', async () => {
    await expect(
      run(['--ddl', 'x', '--landing', 'y', '--format', 'xml', '--out', 'z']),
    ).rejects.toThrow("--format must be csv or parquet, not 'xml'");
  });
});
