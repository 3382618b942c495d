import path from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { buildPipelineSpec } from '../sql/buildPipelineSpec';
import { parseMysqlDdl } from '../sql/mysqlDdl';
import { DuckDbBronzeReplay } from './DuckDbBronzeReplay';
import { listLandingFiles } from './landingFiles';
import {
  RELOAD_DDL,
  RELOAD_EXPECTED,
  asOneDmsTaskLayout,
  reloadScenario,
  writeLanding,
  writeLandingAt,
  writeReloadBatch,
} from './testing';

/** The game fixture, in the two-task layout it was published in (see its README). */
const GAME_FIXTURE = path.resolve(
  __dirname,
  '../../../../../shared/fixtures/dms/game',
);

const GAME_DDL = `
CREATE TABLE game.user_data (user_id bigint NOT NULL, email varchar(100), dob date, gender varchar(1),
  cur_level bigint, marketing_agreement varchar(1), first_login datetime, last_login datetime,
  PRIMARY KEY (user_id));
CREATE TABLE game.item_data (item_id bigint NOT NULL PRIMARY KEY, item_name varchar(50),
  category varchar(50), price bigint);
CREATE TABLE game.play_data (play_id bigint NOT NULL, user_id bigint, device varchar(20),
  item_used varchar(50), game_mode bigint, time_spent bigint, MultiPoints bigint, got_target bigint,
  PRIMARY KEY (play_id));
CREATE TABLE game.purchase_data (purchase_id bigint NOT NULL, user_id bigint, purchased_item varchar(50),
  category varchar(50), num_item_purchased bigint, PRIMARY KEY (purchase_id));
`;

/** A table with names that need quoting in both dialects and normalising for Glue. */
const SHOP_DDL = `
CREATE TABLE \`Order Items\` (
  \`order-id\` INT NOT NULL,
  \`line\` SMALLINT UNSIGNED NOT NULL,
  \`Größe\` VARCHAR(20),
  \`select\` DECIMAL(10,2),
  PRIMARY KEY (\`order-id\`, \`line\`)
);`;

// One full-load-and-cdc task writes the full load and the CDC files into the same table folder.
const LOAD = 'shop/Order Items';
const CDC = 'shop/Order Items';

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeEach(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
});

afterEach(() => {
  connection.closeSync();
  instance.closeSync();
});

async function shopReplay(landing: string) {
  const spec = buildPipelineSpec(parseMysqlDdl(SHOP_DDL)[0], {
    schema: 'shop',
    landingPath: landing,
    format: 'csv',
    timestampColumn: 'ts',
    sequenceColumn: 'seq',
  });
  const replay = await DuckDbBronzeReplay.create(connection, spec);
  const files = () => listLandingFiles(landing, 'shop', 'Order Items', 'csv');
  return { replay, files };
}

/** Replays a landing folder of the shop table in one batch and returns the whole final table. */
async function replayShop(files: Record<string, string>) {
  const landing = await writeLanding(files);
  const { replay, files: list } = await shopReplay(landing);
  await replay.apply(await list());
  return replay.rowsJson();
}

const row = (
  orderId: number,
  line: number,
  grosse: string | null,
  select: string | null,
) => ({ order_id: orderId, line, grosse, select });

describe('DuckDbBronzeReplay on the game fixture (full load, then CDC)', () => {
  // The files as one DMS task lays them out, CDC files in date folders.
  let GAME: string;
  beforeAll(async () => {
    GAME = await asOneDmsTaskLayout(GAME_FIXTURE, { datePartitions: true });
  });
  type Change = {
    op: string;
    ts: string | null;
    file: string;
    row: number;
    values: Record<string, unknown>;
  };

  /**
   * The obviously-correct model the generated SQL is checked against: read every landing row, sort
   * all changes by (commit timestamp with full load first, file, row) and apply them one by one to a
   * map keyed by the primary key.
   */
  async function expectedTable(table: string, key: string) {
    const changes: Change[] = [];
    for (const file of await listLandingFiles(GAME, 'game', table, 'parquet')) {
      const reader = await connection.runAndReadAll(
        `SELECT * FROM read_parquet('${file.absolutePath}')`,
      );
      reader.getRowObjectsJson().forEach((r, index) => {
        const { Op, timestamp, ...values } = r as Record<string, unknown>;
        changes.push({
          op: file.phase === 'full-load' ? 'I' : String(Op),
          ts: file.phase === 'full-load' ? null : String(timestamp),
          file: file.name,
          row: index,
          values,
        });
      });
    }
    changes.sort(
      (a, b) =>
        (a.ts ?? '').localeCompare(b.ts ?? '') ||
        a.file.localeCompare(b.file) ||
        a.row - b.row,
    );
    const state = new Map<string, Record<string, unknown>>();
    for (const change of changes) {
      const id = String(change.values[key]);
      if (change.op === 'D') state.delete(id);
      else state.set(id, change.values);
    }
    return [...state.values()]
      .sort((a, b) => Number(a[key]) - Number(b[key]))
      .map(r =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k === 'MultiPoints' ? 'multi_points' : k,
            v,
          ]),
        ),
      );
  }

  it.each([
    ['user_data', 'user_id', 10044],
    // 140 loaded + 44 inserted - 3 deleted, and item 117 is updated after its delete (U upserts)
    ['item_data', 'item_id', 182],
    ['play_data', 'play_id', 30100],
    ['purchase_data', 'purchase_id', 30100],
  ])('replays %s to exactly the expected table', async (table, key, count) => {
    const ddl = parseMysqlDdl(GAME_DDL).find(t => t.name === table)!;
    const spec = buildPipelineSpec(ddl, {
      landingPath: GAME,
      format: 'parquet',
      timestampColumn: 'timestamp',
    });
    const replay = await DuckDbBronzeReplay.create(connection, spec);
    const result = await replay.apply(
      await listLandingFiles(GAME, 'game', table, 'parquet'),
    );
    expect(result.appliedFiles).toHaveLength(2);
    const expected = await expectedTable(table, key);
    const actual = await replay.rowsJson();
    expect(actual).toHaveLength(count);
    expect(actual).toEqual(expected);
  });
});

describe('DuckDbBronzeReplay CDC semantics', () => {
  it('applies I, U, D, I of one key inside one file (the last change wins)', async () => {
    const table = await replayShop({
      [`${LOAD}/LOAD00000001.csv`]: ',1,1,loaded,1.00,\n,2,1,other,2.00,\n',
      [`${CDC}/20240101-100000000.csv`]: [
        'I,2024-01-01 10:00:00.000001,5,1,first,5.00,',
        'U,2024-01-01 10:00:00.000002,5,1,second,5.50,',
        'D,2024-01-01 10:00:00.000003,5,1,second,5.50,',
        'I,2024-01-01 10:00:00.000004,5,1,again,6.00,',
        'U,2024-01-01 10:00:00.000001,1,1,up,1.10,',
        'D,2024-01-01 10:00:00.000002,1,1,up,1.10,',
        'I,2024-01-01 10:00:00.000003,1,1,back,1.20,',
        'U,2024-01-01 10:00:00.000004,1,1,final,1.30,',
        '',
      ].join('\n'),
    });
    expect(table).toEqual([
      row(1, 1, 'final', '1.30'),
      row(2, 1, 'other', '2.00'),
      row(5, 1, 'again', '6.00'),
    ]);
  });

  it('resolves timestamp ties by change sequence, then by file name and row position', async () => {
    const ts = '2024-01-01 10:00:00.000000';
    const table = await replayShop({
      [`${CDC}/20240101-100000000.csv`]: [
        // same timestamp: the sequence decides, whatever the row order
        `U,${ts},1,1,seq-3,3.00,00000000000000000003`,
        `I,${ts},1,1,seq-1,1.00,00000000000000000001`,
        `U,${ts},1,1,seq-2,2.00,00000000000000000002`,
        // same timestamp, no sequence: the later row wins
        `I,${ts},2,1,row-0,1.00,`,
        `U,${ts},2,1,row-1,2.00,`,
        // key 3 changes again in the next file at the same timestamp
        `I,${ts},3,1,file-1,1.00,`,
        '',
      ].join('\n'),
      [`${CDC}/20240101-100100000.csv`]: `U,${ts},3,1,file-2,2.00,\n`,
    });
    expect(table).toEqual([
      row(1, 1, 'seq-3', '3.00'),
      row(2, 1, 'row-1', '2.00'),
      row(3, 1, 'file-2', '2.00'),
    ]);
  });

  it('ignores a delete of an unknown key', async () => {
    const table = await replayShop({
      [`${LOAD}/LOAD00000001.csv`]: ',1,1,a,1.00,\n',
      [`${CDC}/20240101-100000000.csv`]:
        'D,2024-01-01 10:00:00,99,1,ghost,9.00,\nD,2024-01-01 10:00:01,1,2,ghost,9.00,\n',
    });
    expect(table).toEqual([row(1, 1, 'a', '1.00')]);
  });

  it('re-inserts a key deleted in an earlier file', async () => {
    const table = await replayShop({
      [`${LOAD}/LOAD00000001.csv`]: ',1,1,a,1.00,\n,2,1,b,2.00,\n',
      [`${CDC}/20240101-100000000.csv`]: 'D,2024-01-01 10:00:00,1,1,a,1.00,\n',
      [`${CDC}/20240101-110000000.csv`]:
        'I,2024-01-01 11:00:00,1,1,reborn,7.00,\n',
    });
    expect(table).toEqual([
      row(1, 1, 'reborn', '7.00'),
      row(2, 1, 'b', '2.00'),
    ]);
  });

  it('applies updates that set columns to NULL', async () => {
    const table = await replayShop({
      [`${LOAD}/LOAD00000001.csv`]: ',1,1,a,1.00,\n,1,2,b,2.00,\n',
      [`${CDC}/20240101-100000000.csv`]:
        'U,2024-01-01 10:00:00,1,1,,,\nU,2024-01-01 10:00:00,1,2,,2.00,\n',
    });
    expect(table).toEqual([row(1, 1, null, null), row(1, 2, null, '2.00')]);
  });

  it('reads CSV quoting: commas, doubled quotes, empty string versus NULL', async () => {
    const table = await replayShop({
      [`${LOAD}/LOAD00000001.csv`]: [
        ',1,1,"a,b",1.00,',
        ',1,2,"say ""hi""",2.00,',
        ',1,3,"",3.00,',
        ',1,4,,4.00,',
        ',1,5,"line\nbreak",5.00,',
        '',
      ].join('\n'),
    });
    expect(table).toEqual([
      row(1, 1, 'a,b', '1.00'),
      row(1, 2, 'say "hi"', '2.00'),
      row(1, 3, '', '3.00'),
      row(1, 4, null, '4.00'),
      row(1, 5, 'line\nbreak', '5.00'),
    ]);
  });

  it('changes nothing when the same files are applied twice', async () => {
    const landing = await writeLanding({
      [`${LOAD}/LOAD00000001.csv`]: ',1,1,a,1.00,\n,2,1,b,2.00,\n',
      [`${CDC}/20240101-100000000.csv`]:
        'D,2024-01-01 10:00:00,1,1,a,1.00,\nU,2024-01-01 10:00:00,2,1,b2,2.50,\n',
      [`${CDC}/20240101-110000000.csv`]: 'I,2024-01-01 11:00:00,1,1,a2,1.50,\n',
    });
    const { replay, files } = await shopReplay(landing);
    const first = await replay.apply(await files());
    expect(first.appliedFiles).toHaveLength(3);
    const after = await replay.rowsJson();
    expect(after).toEqual([row(1, 1, 'a2', '1.50'), row(2, 1, 'b2', '2.50')]);

    const second = await replay.apply(await files());
    expect(second).toEqual({
      appliedFiles: [],
      skippedFiles: (await files()).map(f => f.name),
      changeRows: 0,
      reload: false,
    });
    expect(await replay.rowsJson()).toEqual(after);

    // A retry from scratch on the same database (a new process) skips them too.
    const { replay: retry } = await shopReplay(landing);
    expect((await retry.apply(await files())).appliedFiles).toEqual([]);
    expect(await retry.rowsJson()).toEqual(after);
  });

  it('applies a late file without letting its older changes overwrite newer ones', async () => {
    const landing = await writeLanding({
      [`${LOAD}/LOAD00000001.csv`]: ',1,1,a,1.00,\n,2,1,b,2.00,\n',
      [`${CDC}/20240101-120000000.csv`]:
        'U,2024-01-01 12:00:00,1,1,noon,1.20,\nU,2024-01-01 12:00:00,2,1,noon,2.20,\n',
    });
    const { replay, files } = await shopReplay(landing);
    await replay.apply(await files());

    // The 10:00 file lands after the 12:00 one was applied.
    await writeLanding(
      {
        [`${CDC}/20240101-100000000.csv`]: [
          'U,2024-01-01 10:00:00,1,1,ten,1.10,', // older than noon: ignored
          'U,2024-01-01 13:00:00,2,1,one-pm,2.30,', // newer than noon: applied
          'I,2024-01-01 10:00:00,3,1,new,3.00,', // unknown key: inserted
          '',
        ].join('\n'),
      },
      landing,
    );
    const late = await replay.apply(await files());
    expect(late.appliedFiles).toEqual([`${CDC}/20240101-100000000.csv`]);
    expect(await replay.rowsJson()).toEqual([
      row(1, 1, 'noon', '1.20'),
      row(2, 1, 'one-pm', '2.30'),
      row(3, 1, 'new', '3.00'),
    ]);
  });

  it('rolls back the whole batch and records no file when a file is bad', async () => {
    const landing = await writeLanding({
      [`${LOAD}/LOAD00000001.csv`]: ',1,1,a,1.00,\n',
      [`${CDC}/20240101-100000000.csv`]:
        'U,2024-01-01 10:00:00,1,1,b,not-a-number,\n',
    });
    const { replay, files } = await shopReplay(landing);
    await expect(replay.apply(await files())).rejects.toThrow(/not-a-number/);
    expect(await replay.rowsJson()).toEqual([]);
    expect(await replay.appliedFiles()).toEqual(new Set());
  });

  it('rejects change rows without a key value', async () => {
    const landing = await writeLanding({
      [`${CDC}/20240101-100000000.csv`]: 'I,2024-01-01 10:00:00,,1,x,1.00,\n',
    });
    const { replay, files } = await shopReplay(landing);
    await expect(replay.apply(await files())).rejects.toThrow(
      /row 0 has no value for the key \(order_id, line\)/,
    );
  });

  it('decodes binary columns from the hexadecimal text DMS writes in CSV', async () => {
    const landing = await writeLanding({
      'shop/blobs/LOAD00000001.csv': '1,CAFE00FF\n2,\n3,""\n',
    });
    const spec = buildPipelineSpec(
      parseMysqlDdl(
        'CREATE TABLE blobs (id INT NOT NULL PRIMARY KEY, raw VARBINARY(8));',
      )[0],
      { schema: 'shop', landingPath: landing, format: 'csv' },
    );
    const replay = await DuckDbBronzeReplay.create(connection, spec);
    await replay.apply(await listLandingFiles(landing, 'shop', 'blobs', 'csv'));
    const reader = await connection.runAndReadAll(
      'SELECT id, hex(raw) AS raw FROM blobs ORDER BY id',
    );
    expect(reader.getRowObjectsJS()).toEqual([
      { id: 1, raw: 'CAFE00FF' },
      { id: 2, raw: null },
      { id: 3, raw: '' },
    ]);
  });
});

describe('DuckDbBronzeReplay on a DMS table reload', () => {
  const now = Date.now();

  async function reloadReplay() {
    const landing = await writeLanding({});
    const spec = buildPipelineSpec(parseMysqlDdl(RELOAD_DDL)[0], {
      schema: 'shop',
      landingPath: landing,
      format: 'csv',
      timestampColumn: 'ts',
    });
    const replay = await DuckDbBronzeReplay.create(connection, spec);
    const files = () => listLandingFiles(landing, 'shop', 'items', 'csv');
    return { landing, replay, files };
  }

  it('rebuilds the table from the new full load and the CDC after it: deletes, updates, re-inserts', async () => {
    const { landing, replay, files } = await reloadReplay();
    const [initial, reload] = reloadScenario(now);
    await writeReloadBatch(landing, initial);
    const first = await replay.apply(await files());
    expect(first.reload).toBe(false);
    expect(await replay.rowsJson()).toEqual([
      { id: 1, name: 'a', price: '1.00' },
      { id: 2, name: 'b2', price: '2.50' },
      { id: 4, name: 'd', price: '4.00' },
      { id: 5, name: 'e', price: '5.00' },
    ]);

    await writeReloadBatch(landing, reload);
    const second = await replay.apply(await files());
    expect(second).toEqual({
      reload: true,
      // The new full load and the CDC file after it; the older CDC files are contained in the load.
      appliedFiles: [
        'shop/items/LOAD00000001.csv',
        'shop/items/20240101-130000000.csv',
      ],
      skippedFiles: [
        'shop/items/20240101-100000000.csv',
        'shop/items/20240101-110000000.csv',
      ],
      changeRows: 8,
    });
    expect(await replay.rowsJson()).toEqual(RELOAD_EXPECTED);

    // The reload is recorded with the merge: a rerun applies nothing.
    const third = await replay.apply(await files());
    expect(third).toMatchObject({ reload: false, appliedFiles: [] });
    expect(await replay.rowsJson()).toEqual(RELOAD_EXPECTED);
  });

  it('does not replay the CDC file that landed just before the new full load over it', async () => {
    const { landing, replay, files } = await reloadReplay();
    const dir = 'shop/items';
    const load = new Date(now - 60 * 60_000);
    await writeLandingAt(
      landing,
      { [`${dir}/LOAD00000001.csv`]: ',1,a,1.00\n,2,b,2.00\n' },
      new Date(now - 3 * 60 * 60_000),
    );
    await replay.apply(await files());
    await writeLandingAt(
      landing,
      { [`${dir}/LOAD00000001.csv`]: ',1,a,1.00\n' },
      load,
    );
    // Written a second before the load file was closed: its change (id 1 at 9.00) is older than
    // the load, which holds id 1 at 1.00 (changed where DMS did not see it); replaying it would
    // undo the reload.
    await writeLandingAt(
      landing,
      { [`${dir}/20240101-110000000.csv`]: 'U,2024-01-01 11:00:00,1,a,9.00\n' },
      new Date(load.getTime() - 1_000),
    );
    // 20 minutes before: contained in the load.
    await writeLandingAt(
      landing,
      { [`${dir}/20240101-100000000.csv`]: 'I,2024-01-01 10:00:00,4,d,4.00\n' },
      new Date(load.getTime() - 20 * 60_000),
    );
    const result = await replay.apply(await files());
    expect(result).toMatchObject({
      reload: true,
      appliedFiles: [`${dir}/LOAD00000001.csv`],
    });
    expect(await replay.rowsJson()).toEqual([
      { id: 1, name: 'a', price: '1.00' },
    ]);
    // Recorded with the rebuild (its change is in the load), so no later run replays it either.
    expect(await replay.apply(await files())).toMatchObject({
      reload: false,
      appliedFiles: [],
    });
    expect(await replay.rowsJson()).toEqual([
      { id: 1, name: 'a', price: '1.00' },
    ]);
  });

  it('takes a full-load file applied before its time was recorded as the baseline, not as a reload', async () => {
    const { landing, replay, files } = await reloadReplay();
    await writeReloadBatch(landing, reloadScenario(now)[0]);
    await replay.apply(await files());
    // As the table was left by a replay that recorded names only.
    await connection.run(`UPDATE _dl_applied_files SET modified_ms = NULL`);
    await writeLandingAt(
      landing,
      {
        'shop/items/20240101-120000000.csv': 'I,2024-01-01 12:00:00,9,z,9.00\n',
      },
      new Date(now - 60_000),
    );
    const result = await replay.apply(await files());
    expect(result).toMatchObject({
      reload: false,
      appliedFiles: ['shop/items/20240101-120000000.csv'],
    });
    expect((await replay.rowsJson()).map(r => r.id)).toEqual([1, 2, 4, 5, 9]);
    const recorded = await connection.runAndReadAll(
      `SELECT modified_ms FROM _dl_applied_files WHERE file = 'shop/items/LOAD00000001.csv'`,
    );
    expect(recorded.getRowObjectsJS()[0].modified_ms).not.toBeNull();
  });
});
