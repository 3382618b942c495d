/*
 * Runs rendered job scripts on the local Spark + Iceberg runtime (scripts/spark-runtime.sh installs
 * it; CI always has it), in one Spark session per call, with a file-system Iceberg catalog named
 * `local` in a fresh warehouse. The harness `spark-templates/testing/run_job.py` runs the setup SQL,
 * the jobs in order, and writes the tables back as JSON lines.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../../../../..');

/** The Iceberg catalog the jobs run against, passed to them as `--catalog`. */
export const LOCAL_CATALOG = 'local';

export type SparkJobRun = { script: string; args?: string[] };

export type SparkRunResult = {
  status: number;
  output: string;
  /** Rows of each dumped table, by table name. */
  tables: Record<string, Record<string, unknown>[]>;
};

/** Where the warehouse of one test lives; reuse it across calls to run jobs on the same tables. */
export async function newWarehouse(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'dl-spark-warehouse-'));
}

export async function runOnLocalSpark(request: {
  warehouse: string;
  setup?: string[];
  runs: SparkJobRun[];
  dump: { table: string; columns?: string[]; orderBy?: string[] }[];
}): Promise<SparkRunResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-spark-run-'));
  const runs = await Promise.all(
    request.runs.map(async (run, i) => {
      const job = path.join(dir, `job${i}.py`);
      await fs.writeFile(job, run.script);
      return { job, args: ['--catalog', LOCAL_CATALOG, ...(run.args ?? [])] };
    }),
  );
  const dump = request.dump.map((d, i) => ({
    table: d.table,
    columns: d.columns,
    order_by: d.orderBy,
    out: path.join(dir, `dump${i}.jsonl`),
  }));
  const requestFile = path.join(dir, 'request.json');
  await fs.writeFile(
    requestFile,
    JSON.stringify({ setup: request.setup ?? [], runs, dump }),
  );
  const catalog = `spark.sql.catalog.${LOCAL_CATALOG}`;
  const args = [
    path.join(REPO, 'scripts/spark-submit.sh'),
    '--conf',
    `${catalog}=org.apache.iceberg.spark.SparkCatalog`,
    '--conf',
    `${catalog}.type=hadoop`,
    '--conf',
    `${catalog}.warehouse=${request.warehouse}`,
    '--conf',
    'spark.driver.memory=1g',
    path.join(REPO, 'spark-templates/testing/run_job.py'),
    '--request',
    requestFile,
  ];
  const { status, output } = await new Promise<{
    status: number;
    output: string;
  }>((resolve, reject) => {
    const child = spawn('bash', args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
  const tables: SparkRunResult['tables'] = {};
  for (const d of dump) {
    const text = await fs.readFile(d.out, 'utf8').catch(() => undefined);
    if (text === undefined) {
      throw new Error(`Spark wrote no rows of ${d.table}:\n${output}`);
    }
    tables[d.table] = text
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line));
  }
  await fs.rm(dir, { recursive: true, force: true });
  return { status, output, tables };
}
