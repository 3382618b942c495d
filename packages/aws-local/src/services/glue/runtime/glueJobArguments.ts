/*
 * How Glue turns a job's arguments into a Spark run: the run's `Arguments` override the job's
 * `DefaultArguments`; `--conf` holds Spark settings, several chained in one value as
 * `k1=v1 --conf k2=v2`; `--datalake-formats iceberg` puts the Iceberg libraries on the classpath; every
 * argument, with `--JOB_NAME` and `--JOB_RUN_ID`, reaches the script as `--name value` pairs
 * ("Using job parameters in AWS Glue jobs", https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html;
 * "Using the Iceberg framework in AWS Glue",
 * https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-format-iceberg.html).
 */

/** Settings the warm driver fixed at start-up; a run cannot change them. */
const STATIC_CONF = new Set(['spark.sql.extensions']);
const ICEBERG_EXTENSIONS =
  'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions';
const GLUE_CATALOG_IMPL = 'org.apache.iceberg.aws.glue.GlueCatalog';

export type SparkRunSettings = {
  conf: Record<string, string>;
  scriptArgs: string[];
};

export class JobArgumentsError extends Error {}

/** The Spark settings chained in one `--conf` value. */
export function parseConfArgument(value: string): Record<string, string> {
  const conf: Record<string, string> = {};
  for (const part of value.split(/\s+--conf\s+/)) {
    const setting = part.trim();
    if (!setting) continue;
    const eq = setting.indexOf('=');
    if (eq <= 0) {
      throw new JobArgumentsError(
        `--conf '${setting}' is not of the form key=value`,
      );
    }
    conf[setting.slice(0, eq).trim()] = setting.slice(eq + 1).trim();
  }
  return conf;
}

/**
 * The session settings and script arguments of one run. Iceberg catalogs backed by Glue get the
 * emulator as their Glue and S3 endpoint (path-style), as a job on AWS reaches the real services:
 * Iceberg's own AWS clients are then clients of the emulator like any other.
 */
export function sparkRunSettings(options: {
  jobName: string;
  runId: string;
  arguments: Record<string, string>;
  endpointUrl: string;
  region: string;
}): SparkRunSettings {
  const args = options.arguments;
  const conf = args['--conf'] ? parseConfArgument(args['--conf']) : {};
  const formats = (args['--datalake-formats'] ?? '')
    .split(',')
    .map(f => f.trim().toLowerCase());
  const usesIceberg = Object.values(conf).some(v =>
    v.startsWith('org.apache.iceberg.'),
  );
  if (usesIceberg && !formats.includes('iceberg')) {
    throw new JobArgumentsError(
      'java.lang.ClassNotFoundException: org.apache.iceberg.spark.SparkCatalog (the job uses Iceberg but --datalake-formats does not include iceberg)',
    );
  }
  for (const key of Object.keys(conf)) {
    if (!STATIC_CONF.has(key)) continue;
    const wanted = conf[key].split(',').map(s => s.trim());
    if (wanted.some(e => e !== ICEBERG_EXTENSIONS)) {
      throw new JobArgumentsError(
        `${key}=${conf[key]}: the emulator's Spark drivers run with ${ICEBERG_EXTENSIONS} only`,
      );
    }
    delete conf[key];
  }
  const catalogs = Object.entries(conf)
    .map(([key, value]) => {
      const match = /^spark\.sql\.catalog\.([^.]+)\.(catalog-impl|type)$/.exec(
        key,
      );
      return match &&
        (value === GLUE_CATALOG_IMPL ||
          (match[2] === 'type' && value === 'glue'))
        ? match[1]
        : undefined;
    })
    .filter((c): c is string => Boolean(c));
  for (const catalog of new Set(catalogs)) {
    const prefix = `spark.sql.catalog.${catalog}`;
    conf[`${prefix}.glue.endpoint`] = options.endpointUrl;
    conf[`${prefix}.s3.endpoint`] = options.endpointUrl;
    conf[`${prefix}.s3.path-style-access`] = 'true';
    conf[`${prefix}.client.region`] = options.region;
  }
  const scriptArgs: string[] = [];
  const all = {
    ...args,
    '--JOB_NAME': options.jobName,
    '--JOB_RUN_ID': options.runId,
  };
  for (const [name, value] of Object.entries(all)) {
    scriptArgs.push(name, value);
  }
  return { conf, scriptArgs };
}
