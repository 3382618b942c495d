import { planBronzeBatch } from './bronzeBatch';
import { LandingFile } from './landingFiles';

const MINUTE = 60_000;
const file = (
  name: string,
  modified: number | undefined,
  phase: LandingFile['phase'] = name.startsWith('LOAD') ? 'full-load' : 'cdc',
): LandingFile => ({
  name: `shop/items/${name}`,
  absolutePath: `/landing/shop/items/${name}`,
  phase,
  modified,
});
const names = (files: LandingFile[]) =>
  files.map(f => f.name.slice('shop/items/'.length));

describe('planBronzeBatch', () => {
  const t = 1_700_000_000_000;
  const margin = { marginMs: 15 * MINUTE };

  it('applies the files not applied yet when no full-load file changed', () => {
    const files = [file('LOAD00000001.csv', t), file('20240101-1.csv', t + 1)];
    const batch = planBronzeBatch(
      files,
      [{ name: 'shop/items/LOAD00000001.csv', modified: t }],
      margin,
    );
    expect(batch.mode).toBe('incremental');
    expect(names(batch.read)).toEqual(['20240101-1.csv']);
    expect(batch.record).toEqual(batch.read);
  });

  it('rebuilds from the rewritten full load and the files after it, never from older ones', () => {
    const load = t + 600 * MINUTE;
    const files = [
      file('LOAD00000001.csv', load),
      // Stale from the first load: the reload wrote one file less.
      file('LOAD00000002.csv', t),
      file('20240101-1.csv', t + MINUTE),
      file('20240101-2.csv', load - 20 * MINUTE),
      file('20240101-3.csv', load - 10 * MINUTE),
      file('20240101-4.csv', load + MINUTE),
    ];
    const batch = planBronzeBatch(
      files,
      [
        { name: 'shop/items/LOAD00000001.csv', modified: t },
        { name: 'shop/items/LOAD00000002.csv', modified: t },
        { name: 'shop/items/20240101-1.csv' },
        { name: 'shop/items/20240101-3.csv' },
      ],
      margin,
    );
    expect(batch.mode).toBe('reload');
    // 20240101-2 and -3 landed before the new load, which contains their changes.
    expect(names(batch.read)).toEqual(['LOAD00000001.csv', '20240101-4.csv']);
    expect(names(batch.record)).toEqual([
      'LOAD00000001.csv',
      '20240101-2.csv',
      '20240101-4.csv',
    ]);
  });

  it('reads the full-load files the same reload wrote before a run that listed them half written', () => {
    const load = t + 600 * MINUTE;
    const files = [
      // Rewritten and recorded by the run that listed the reload half written.
      file('LOAD00000001.csv', load),
      file('LOAD00000002.csv', load + 2 * MINUTE),
      file('20240101-1.csv', load - MINUTE),
      file('20240101-2.csv', load + 3 * MINUTE),
    ];
    const batch = planBronzeBatch(
      files,
      [
        { name: 'shop/items/LOAD00000001.csv', modified: load },
        { name: 'shop/items/LOAD00000002.csv', modified: t },
        { name: 'shop/items/20240101-1.csv' },
      ],
      margin,
    );
    expect(batch.mode).toBe('reload');
    expect(names(batch.read)).toEqual([
      'LOAD00000001.csv',
      'LOAD00000002.csv',
      '20240101-2.csv',
    ]);
  });

  it('never takes a file without a recorded or a present time for a reload', () => {
    const files = [
      file('LOAD00000001.csv', t),
      file('LOAD00000002.csv', undefined),
    ];
    const batch = planBronzeBatch(
      files,
      [
        { name: 'shop/items/LOAD00000001.csv' },
        { name: 'shop/items/LOAD00000002.csv', modified: t - 1 },
      ],
      margin,
    );
    expect(batch).toEqual({ mode: 'incremental', read: [], record: [] });
  });
});
