#!/usr/bin/env bash
# Runs a PySpark script on the local Spark + Iceberg runtime, in local mode, with Iceberg's jars and
# SQL extensions: how our Glue job scripts run on this machine. Extra spark-submit options may come
# before the script (for example --conf spark.sql.catalog.lake=…), its own arguments after it.
# Usage: bash scripts/spark-submit.sh [spark-submit options] SCRIPT [script arguments]
# Iceberg's vectorized reads are off: they crashed this JVM (see SparkDriverPool.ts in aws-local).
set -euo pipefail
# shellcheck source=scripts/spark-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/spark-env.sh"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
exec spark-submit \
  --master "${SPARK_MASTER:-local[2]}" \
  --jars "$DATALAKE_SPARK_JARS" \
  --conf spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions \
  --conf spark.ui.enabled=false \
  --conf spark.driver.host=127.0.0.1 \
  --conf spark.driver.bindAddress=127.0.0.1 \
  --conf spark.sql.shuffle.partitions=4 \
  --conf spark.sql.iceberg.vectorization.enabled=false \
  "$@"
