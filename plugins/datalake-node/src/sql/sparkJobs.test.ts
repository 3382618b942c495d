import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPipelineSpec } from './buildPipelineSpec';
import { parseMysqlDdl } from './mysqlDdl';
import { planBronzeMerge, renderBronzeMerge } from './bronzeMerge';
import {
  SparkJobKind,
  bronzeJobSql,
  loadSparkTemplates,
  renderSparkJob,
  toPythonLiteral,
} from './sparkJobs';

const TEMPLATES = path.resolve(__dirname, '../../../../spark-templates');
const SAKILA = path.resolve(
  __dirname,
  '../../../../../shared/fixtures/mysql/sakila/sakila-schema.sql',
);

function sakilaSpecs() {
  return parseMysqlDdl(fs.readFileSync(SAKILA, 'utf8')).map(table =>
    buildPipelineSpec(table, {
      schema: 'sakila',
      landingPath: 's3://landing/dms',
      format: 'parquet',
      timestampColumn: 'dms_commit_ts',
      sequenceColumn: 'dms_change_seq',
      silverRenames: table.name === 'film' ? { rating: 'mpaa_rating' } : {},
      silverCasts: table.name === 'customer' ? { active: 'boolean' } : {},
    }),
  );
}

describe('Spark jobs for Sakila', () => {
  it('renders all 16 tables into PySpark that compiles and imports no awsglue', async () => {
    const specs = sakilaSpecs();
    expect(specs.map(s => s.source.table)).toHaveLength(16);
    const templates = await loadSparkTemplates(TEMPLATES);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-spark-'));
    const scripts: string[] = [];
    for (const spec of specs) {
      const withGold = {
        ...spec,
        gold: [
          {
            database: 'gold',
            table: `${spec.bronze.table}_count`,
            location: `s3://datalake/gold/${spec.bronze.table}_count`,
            sql: `SELECT count(*) AS n FROM glue_catalog.silver.${spec.silver.table}`,
            upstream: [`silver.${spec.silver.table}`],
          },
        ],
      };
      for (const kind of [
        'landing_to_bronze',
        'bronze_to_silver',
        'silver_to_gold',
        'maintenance',
      ] as SparkJobKind[]) {
        const file = path.join(dir, `${spec.bronze.table}_${kind}.py`);
        const script = renderSparkJob(kind, withGold, templates);
        expect(script).not.toMatch(/__GENERATED__|# __COMMON__/);
        fs.writeFileSync(file, script);
        scripts.push(file);
      }
    }
    expect(scripts).toHaveLength(64);
    // py_compile exits non-zero (and execFileSync throws) on any syntax error.
    execFileSync('python3', [
      '-c',
      'import py_compile, sys\nfor f in sys.argv[1:]: py_compile.compile(f, doraise=True)',
      ...scripts,
    ]);
    for (const file of scripts) {
      expect(fs.readFileSync(file, 'utf8')).not.toMatch(
        /^\s*(import|from)\s+awsglue/m,
      );
    }
  });

  it('embeds the Spark MERGE rendered from the same plan as the DuckDB one', async () => {
    const film = sakilaSpecs().find(s => s.source.table === 'film')!;
    const plan = planBronzeMerge(film);
    const target = ['__CATALOG__', film.bronze.database, film.bronze.table];
    const spark = renderBronzeMerge(plan, 'spark', target, 'landing_changes');
    const duckdb = renderBronzeMerge(plan, 'duckdb', target, 'landing_changes');

    // The two dialects differ only in identifier quoting.
    expect(spark.replace(/`/g, '"')).toBe(duckdb);
    expect(spark).toContain('MERGE INTO `__CATALOG__`.`bronze`.`film` AS t');
    expect(spark).toContain("WHEN MATCHED AND s.`_dl_op` = 'D'");
    expect(duckdb).toContain('ON t."film_id" = s."film_id"');

    // The job script carries exactly that statement.
    expect(bronzeJobSql(film, plan).merge).toBe(spark);
    const script = renderSparkJob(
      'landing_to_bronze',
      film,
      await loadSparkTemplates(TEMPLATES),
    );
    expect(script).toContain(`"merge_sql": ${JSON.stringify(spark)}`);
  });

  it('embeds the reload MERGE (rebuild from a new full load) rendered from the same plan', async () => {
    const film = sakilaSpecs().find(s => s.source.table === 'film')!;
    const plan = planBronzeMerge(film);
    const target = ['__CATALOG__', film.bronze.database, film.bronze.table];
    const options = { mode: 'reload' } as const;
    const spark = renderBronzeMerge(
      plan,
      'spark',
      target,
      'landing_changes',
      options,
    );
    const duckdb = renderBronzeMerge(
      plan,
      'duckdb',
      target,
      'landing_changes',
      options,
    );
    expect(spark.replace(/`/g, '"')).toBe(duckdb);
    // No "newer than what wrote the row" guard, and rows the new load lacks are deleted.
    expect(spark).toContain("WHEN MATCHED AND s.`_dl_op` = 'D' THEN DELETE");
    expect(spark).toMatch(/\nWHEN NOT MATCHED BY SOURCE THEN DELETE$/);
    expect(
      renderBronzeMerge(plan, 'spark', target, 'landing_changes'),
    ).not.toContain('BY SOURCE');

    expect(bronzeJobSql(film, plan).reloadMerge).toBe(spark);
    const script = renderSparkJob(
      'landing_to_bronze',
      film,
      await loadSparkTemplates(TEMPLATES),
    );
    expect(script).toContain(`"reload_merge_sql": ${JSON.stringify(spark)}`);
  });
});

describe('toPythonLiteral', () => {
  it('renders nested values and escapes strings safely', () => {
    expect(
      toPythonLiteral({ a: ['x"y', "it's\n\\"], b: null, c: true, d: 3 }),
    ).toBe(
      '{\n    "a": [\n        "x\\"y",\n        "it\'s\\n\\\\",\n    ],\n    "b": None,\n    "c": True,\n    "d": 3,\n}',
    );
  });
});
