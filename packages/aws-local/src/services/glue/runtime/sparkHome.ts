import fs from 'node:fs';
import path from 'node:path';

/**
 * The local Spark + Iceberg runtime the emulator runs Glue jobs on: a folder with `venv/` (pyspark)
 * and `jars/` (Iceberg's Spark runtime and AWS bundle), as `scripts/spark-runtime.sh` installs into
 * `.tools/spark` of the repository.
 */
export type SparkRuntime = {
  home: string;
  sparkSubmit: string;
  python: string;
  jars: string[];
};

/** This package's folder, wherever it is installed. */
export function packageDir(): string {
  return path.dirname(
    require.resolve('@datalake-portal/aws-local/package.json'),
  );
}

/** Finds `.tools/spark` in the repository that holds this package (the folder with yarn.lock). */
function repositorySparkHome(): string | undefined {
  let dir = packageDir();
  for (;;) {
    if (fs.existsSync(path.join(dir, 'yarn.lock'))) {
      return path.join(dir, '.tools', 'spark');
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The runtime at `home` (default: `AWS_LOCAL_SPARK_HOME`, else the repository's `.tools/spark`), or
 * a sentence saying why there is none, which every run it cannot execute reports.
 */
export function findSparkRuntime(
  home = process.env.AWS_LOCAL_SPARK_HOME ?? repositorySparkHome(),
): SparkRuntime | { missing: string } {
  if (!home) {
    return {
      missing:
        'no Spark runtime: set AWS_LOCAL_SPARK_HOME or run scripts/spark-runtime.sh',
    };
  }
  const sparkSubmit = path.join(home, 'venv', 'bin', 'spark-submit');
  const python = path.join(home, 'venv', 'bin', 'python');
  const jarsDir = path.join(home, 'jars');
  const jars = fs.existsSync(jarsDir)
    ? fs
        .readdirSync(jarsDir)
        .filter(n => n.endsWith('.jar'))
        .sort()
        .map(n => path.join(jarsDir, n))
    : [];
  if (!fs.existsSync(sparkSubmit) || jars.length === 0) {
    return {
      missing: `no Spark runtime in ${home} (pyspark and the Iceberg jars): run scripts/spark-runtime.sh`,
    };
  }
  return { home, sparkSubmit, python, jars };
}
