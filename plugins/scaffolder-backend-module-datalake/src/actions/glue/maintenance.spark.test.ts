/*
 * The rendered maintenance job on the local Spark + Iceberg runtime (Glue 5.0's versions): on a
 * merge-on-read table that updates and deletes have left position delete files in, it applies and
 * drops them (none live afterwards, read from the `delete_files` and `files` metadata tables) with
 * the rows unchanged, and it maintains the pipeline's gold table too. The harness is
 * `spark-templates/testing/run_job.py`, as for the other job tests.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  loadSparkTemplates,
  renderSparkJob,
} from '@datalake-portal/backstage-plugin-datalake-node';
import { examples } from '../sfn/createSchedules.examples';
import {
  exampleInputs,
  testPipelineConfig,
} from './__testUtils__/pipelineTestContext';
import { pipelineJobs } from './pipelineJobs';
import { PipelineInput, resolvePipeline } from './pipelineSpecs';

jest.setTimeout(600_000);

const REPO = path.resolve(__dirname, '../../../../..');
const CATALOG = 'local';

type Dump = { table: string; columns?: string[] };

/** One Spark session: setup SQL, then the jobs, then the tables written back as JSON lines. */
async function runSpark(
  warehouse: string,
  request: { setup?: string[]; jobs?: string[]; dump: Dump[] },
) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-maintenance-'));
  const runs = await Promise.all(
    (request.jobs ?? []).map(async (script, i) => {
      const job = path.join(dir, `job${i}.py`);
      await fs.writeFile(job, script);
      return { job, args: ['--catalog', CATALOG] };
    }),
  );
  const dump = request.dump.map((d, i) => ({
    ...d,
    out: path.join(dir, `dump${i}.jsonl`),
  }));
  const requestFile = path.join(dir, 'request.json');
  await fs.writeFile(
    requestFile,
    JSON.stringify({ setup: request.setup ?? [], runs, dump }),
  );
  const catalog = `spark.sql.catalog.${CATALOG}`;
  const { status, output } = await new Promise<{
    status: number;
    output: string;
  }>((resolve, reject) => {
    const child = spawn(
      'bash',
      [
        path.join(REPO, 'scripts/spark-submit.sh'),
        '--conf',
        `${catalog}=org.apache.iceberg.spark.SparkCatalog`,
        '--conf',
        `${catalog}.type=hadoop`,
        '--conf',
        `${catalog}.warehouse=${warehouse}`,
        '--conf',
        'spark.driver.memory=1g',
        path.join(REPO, 'spark-templates/testing/run_job.py'),
        '--request',
        requestFile,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let text = '';
    child.stdout.on('data', d => {
      text += d;
    });
    child.stderr.on('data', d => {
      text += d;
    });
    child.on('error', reject);
    child.on('close', code => resolve({ status: code ?? 1, output: text }));
  });
  const tables: Record<string, Record<string, string | null>[]> = {};
  for (const d of dump) {
    const text = await fs.readFile(d.out, 'utf8').catch(() => '');
    tables[d.table] = text
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line));
  }
  await fs.rm(dir, { recursive: true, force: true });
  return { status, output, tables };
}

const MOR =
  "'format-version'='2', 'write.delete.mode'='merge-on-read', " +
  "'write.update.mode'='merge-on-read', 'write.merge.mode'='merge-on-read'";

/** A table written in several commits, then updated and deleted from, as the MERGE jobs do. */
function tableWithDeletes(name: string, properties: string): string[] {
  const [database] = name.split('.');
  const table = `${CATALOG}.${name}`;
  return [
    `CREATE NAMESPACE IF NOT EXISTS ${CATALOG}.${database}`,
    `CREATE TABLE ${table} (id BIGINT, v STRING) USING iceberg TBLPROPERTIES (${properties})`,
    `INSERT INTO ${table} VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')`,
    `INSERT INTO ${table} VALUES (5, 'e'), (6, 'f'), (7, 'g'), (8, 'h')`,
    `DELETE FROM ${table} WHERE id IN (2, 6)`,
    `UPDATE ${table} SET v = 'C' WHERE id = 3`,
    `MERGE INTO ${table} t USING (SELECT 7 AS id, 'G' AS v UNION ALL SELECT 9, 'i') s ` +
      `ON t.id = s.id WHEN MATCHED THEN UPDATE SET t.v = s.v WHEN NOT MATCHED THEN INSERT *`,
  ];
}

describe('the maintenance job on Spark with Iceberg', () => {
  it('leaves no live position delete file in a merge-on-read table, keeps the rows, and maintains gold as well', async () => {
    const config = testPipelineConfig();
    const pipeline = resolvePipeline(
      exampleInputs(examples[0].example)[0] as PipelineInput,
      config,
    );
    const job = pipelineJobs(pipeline, { maintenance: true }).find(
      j => j.kind === 'maintenance' && j.table === 'rental',
    )!;
    const script = renderSparkJob(
      'maintenance',
      job.spec,
      await loadSparkTemplates(config.sparkTemplatesDir),
    );
    const bronze = 'sakila_bronze.rental';
    const silver = 'sakila_silver.rental';
    const gold = 'sakila_gold.film_rentals';
    const dump: Dump[] = [
      { table: `${CATALOG}.${bronze}` },
      { table: `${CATALOG}.${silver}` },
      { table: `${CATALOG}.${gold}` },
      ...[bronze, silver].map(t => ({
        table: `${CATALOG}.${t}.delete_files`,
        columns: ['content', 'file_path'],
      })),
      ...[bronze, silver, gold].map(t => ({
        table: `${CATALOG}.${t}.snapshots`,
        columns: ['operation'],
      })),
    ];
    const warehouse = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-wh-'));

    const before = await runSpark(warehouse, {
      setup: [
        ...tableWithDeletes(bronze, MOR),
        ...tableWithDeletes(silver, MOR),
        // Gold is refreshed with copy-on-write here: it gets plain compaction, no delete files.
        ...tableWithDeletes(gold, "'format-version'='2'"),
      ],
      dump,
    });
    expect(before.status).toBe(0);
    for (const t of [bronze, silver]) {
      const deletes = before.tables[`${CATALOG}.${t}.delete_files`];
      // Content 1: position deletes, what merge-on-read DELETE, UPDATE and MERGE write.
      expect(deletes.length).toBeGreaterThan(0);
      expect(deletes.every(d => d.content === '1')).toBe(true);
    }

    const after = await runSpark(warehouse, { jobs: [script], dump });
    if (after.status !== 0) throw new Error(after.output);
    expect(after.output).toContain(`maintained ${bronze}`);
    expect(after.output).toContain(`maintained ${silver}`);
    expect(after.output).toContain(`maintained ${gold}`);
    for (const t of [bronze, silver]) {
      expect(after.tables[`${CATALOG}.${t}.delete_files`]).toEqual([]);
      expect(after.tables[`${CATALOG}.${t}`]).toEqual(
        before.tables[`${CATALOG}.${t}`],
      );
      // The rows are the ones the writes left: 2 and 6 deleted, 3 and 7 updated, 9 added.
      expect(after.tables[`${CATALOG}.${t}`].map(r => r.id)).toEqual([
        '1',
        '3',
        '4',
        '5',
        '7',
        '8',
        '9',
      ]);
      // Maintenance committed to the table: a data rewrite (replace) then a delete rewrite.
      const operations = after.tables[`${CATALOG}.${t}.snapshots`].map(
        s => s.operation,
      );
      expect(operations).toContain('replace');
    }
    expect(after.tables[`${CATALOG}.${gold}`]).toEqual(
      before.tables[`${CATALOG}.${gold}`],
    );
  });
});
