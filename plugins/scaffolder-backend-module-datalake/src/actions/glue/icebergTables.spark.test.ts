/*
 * The tables `datalake:glue:iceberg-table:create` makes are real Iceberg tables: in the emulator,
 * a Glue job run on Spark with Iceberg's own GlueCatalog loads them and shows the partition spec,
 * identifier fields and properties the action asked for, and can commit to them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateJobCommand,
  GetJobRunCommand,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ConfigReader } from '@backstage/config';
import { DatalakeAwsClientFactory } from '@datalake-portal/backstage-plugin-datalake-node';
import { RunningEmulator, startEmulator } from '@datalake-portal/aws-local';
import { createIcebergTableCreateAction } from './createIcebergTables';
import { pipelineActionOptions } from './actionSupport';
import { icebergSparkConf } from './pipelineJobs';
import { readPipelineConfig } from './pipelineConfig';
import {
  actionContext,
  pipelineConfigData,
  sakilaInspection,
} from './__testUtils__/pipelineTestContext';

jest.setTimeout(300_000);

let running: RunningEmulator;
let clients: DatalakeAwsClientFactory;

beforeAll(async () => {
  running = await startEmulator({
    port: 0,
    stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'iceberg-tables-')),
  });
  clients = DatalakeAwsClientFactory.fromConfig(
    new ConfigReader({
      ...pipelineConfigData(),
      datalake: {
        ...pipelineConfigData().datalake,
        aws: { region: 'eu-west-1', endpoint: running.url, maxAttempts: 1 },
      },
    }),
  );
  const s3 = await clients.s3();
  for (const bucket of [
    'datalake-bronze',
    'datalake-silver',
    'datalake-gold',
    'datalake-scripts',
  ]) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
});

afterAll(() => running?.close());

/** Runs a PySpark script as a Glue job configured as our actions configure jobs; returns its output. */
let jobs = 0;
async function sparkOutput(script: string): Promise<string[]> {
  const name = `describe-tables-${++jobs}`;
  const config = readPipelineConfig(new ConfigReader(pipelineConfigData()))!;
  const s3 = await clients.s3();
  const glue = await clients.glue();
  await s3.send(
    new PutObjectCommand({
      Bucket: 'datalake-scripts',
      Key: `tests/${name}.py`,
      Body: script,
    }),
  );
  await glue.send(
    new CreateJobCommand({
      Name: name,
      Role: config.glue.roleArn,
      GlueVersion: '5.0',
      Command: {
        Name: 'glueetl',
        ScriptLocation: `s3://datalake-scripts/tests/${name}.py`,
      },
      DefaultArguments: {
        '--datalake-formats': 'iceberg',
        '--conf': icebergSparkConf(config),
      },
    }),
  );
  const { JobRunId } = await glue.send(
    new StartJobRunCommand({ JobName: name }),
  );
  const deadline = Date.now() + 240_000;
  for (;;) {
    const { JobRun } = await glue.send(
      new GetJobRunCommand({ JobName: name, RunId: JobRunId }),
    );
    if (JobRun!.JobRunState === 'SUCCEEDED') break;
    if (
      JobRun!.JobRunState !== 'RUNNING' &&
      JobRun!.JobRunState !== 'STARTING'
    ) {
      throw new Error(
        `the run ended ${JobRun!.JobRunState}: ${JobRun!.ErrorMessage}`,
      );
    }
    if (Date.now() > deadline) throw new Error('the run did not end');
    await new Promise(r => setTimeout(r, 250));
  }
  const logs = new CloudWatchLogsClient({
    region: 'eu-west-1',
    endpoint: running.url,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const { events } = await logs.send(
    new GetLogEventsCommand({
      logGroupName: '/aws-glue/jobs/output',
      logStreamName: JobRunId,
      startFromHead: true,
    }),
  );
  return (events ?? []).map(e => e.message!);
}

describe('Iceberg tables from datalake:glue:iceberg-table:create, on Spark', () => {
  it('have the partition spec, identifier fields and properties the action asked for, and take commits', async () => {
    const action = createIcebergTableCreateAction(
      pipelineActionOptions(new ConfigReader(pipelineConfigData()), clients),
    );
    await action.handler(
      actionContext({
        sourceId: 'sakila',
        owner: 'group:default/data-engineering',
        inspection: sakilaInspection(),
        tables: ['payment'],
        silverPartitionBy: {
          payment: [{ column: 'payment_date', transform: 'month' }],
        },
      }) as any,
    );

    const catalog = readPipelineConfig(new ConfigReader(pipelineConfigData()))!
      .glue.catalog;
    const table = `${catalog}.sakila_silver.payment`;
    const output = await sparkOutput(`
import json
from datetime import date, datetime
from decimal import Decimal
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
described = [(r.col_name, r.data_type) for r in spark.sql("DESCRIBE TABLE EXTENDED ${table}").collect()]
props = {r.key: r.value for r in spark.sql("SHOW TBLPROPERTIES ${table}").collect()}
table = spark.sparkContext._jvm.org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark._jsparkSession, "${table}")
identifiers = sorted(table.schema().identifierFieldNames())
schema = spark.table("${table}").schema
given = {"payment_id": 1, "amount": Decimal("2.99"), "payment_date": datetime(2005, 5, 25, 11, 30, 37)}
def value(field):
    if field.name in given or field.nullable:
        return given.get(field.name)
    kind = field.dataType.typeName()
    return {"string": "x", "timestamp": datetime(2006, 2, 15), "timestamp_ntz": datetime(2006, 2, 15),
            "date": date(2006, 2, 15), "decimal": Decimal(0), "boolean": False}.get(kind, 1)
spark.createDataFrame([[value(f) for f in schema.fields]], schema).writeTo("${table}").append()
# A merge-on-read MERGE: what every pipeline run does (it fails on Iceberg 1.7 with identifier fields).
spark.createDataFrame([[value(f) for f in schema.fields]], schema).createOrReplaceTempView("change")
spark.sql("MERGE INTO ${table} t USING change s ON t.payment_id = s.payment_id WHEN MATCHED THEN UPDATE SET t.amount = 3.99")
amount = str(spark.sql("SELECT amount FROM ${table}").collect()[0].amount)
count = spark.sql("SELECT count(*) AS n FROM ${table}").collect()[0].n
partitions = [r.partition.asDict() for r in spark.sql("SELECT partition FROM ${table}.partitions").collect()]
print(json.dumps({"described": described, "props": props, "identifiers": identifiers, "count": count, "amount": amount, "partitions": partitions}, default=str))
`);
    const result = JSON.parse(output[output.length - 1]);
    // DESCRIBE TABLE EXTENDED lists the partitioning after the columns.
    const partitioning = result.described.findIndex(
      ([name]: string[]) => name === '# Partitioning',
    );
    expect(partitioning).toBeGreaterThan(0);
    expect(result.described[partitioning + 1]).toEqual([
      'Part 0',
      'months(payment_date)',
    ]);
    // Merge-on-read: the key is a property (identifier fields break its MERGE on Iceberg 1.7).
    expect(result.identifiers).toEqual([]);
    expect(result.props).toMatchObject({
      'datalake.merge-key': 'payment_id',
      format: 'iceberg/parquet',
      'format-version': '2',
      'write.merge.mode': 'merge-on-read',
      'write.update.mode': 'merge-on-read',
      'write.delete.mode': 'merge-on-read',
      'write.parquet.compression-codec': 'zstd',
    });
    expect(result.count).toBe(1);
    expect(result.amount).toBe('3.99');
    expect(result.partitions).toEqual([{ payment_date_month: 424 }]);
  });

  it('give copy-on-write tables the merge key as identifier fields', async () => {
    const options = pipelineActionOptions(
      new ConfigReader(
        pipelineConfigData({ table: { writeMode: 'copy-on-write' } }),
      ),
      clients,
    );
    await createIcebergTableCreateAction(options).handler(
      actionContext({
        sourceId: 'sakila',
        owner: 'group:default/data-engineering',
        inspection: sakilaInspection(),
        tables: ['film_actor'],
      }) as any,
    );
    const output = await sparkOutput(`
import json
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
table = spark.sparkContext._jvm.org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark._jsparkSession, "glue_catalog.sakila_silver.film_actor")
props = {r.key: r.value for r in spark.sql("SHOW TBLPROPERTIES glue_catalog.sakila_silver.film_actor").collect()}
print(json.dumps({"identifiers": sorted(table.schema().identifierFieldNames()), "mode": props.get("write.merge.mode")}))
`);
    expect(JSON.parse(output[output.length - 1])).toEqual({
      identifiers: ['actor_id', 'film_id'],
      mode: 'copy-on-write',
    });
  });
});
