#!/usr/bin/env bash
# Installs the local Spark + Iceberg runtime that matches our Glue version, into .tools/spark (out of
# git), idempotently: a Python venv with pyspark and pytest from PyPI, and from Maven Central
# (through the machine's own Maven settings) Iceberg's Spark runtime and AWS bundle jars, and Hadoop's
# S3A file system with the AWS SDK it uses, which serves s3:// paths as Glue does. The versions come
# from spark-templates/glue-runtime.env. A second run checks a stamp and returns at once.
# Usage: bash scripts/spark-runtime.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=spark-templates/glue-runtime.env
source "$root/spark-templates/glue-runtime.env"
home="$root/.tools/spark"
stamp="$home/installed.env"
want="$(grep -E '^[A-Z_]+=' "$root/spark-templates/glue-runtime.env")"

log() { printf 'spark-runtime: %s\n' "$*" >&2; }

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$home/venv/bin/spark-submit" ]; then
  exit 0
fi

python=""
for candidate in "python$PYTHON_VERSION" python3; do
  if command -v "$candidate" >/dev/null &&
    [ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" = "$PYTHON_VERSION" ]; then
    python=$candidate
    break
  fi
done
[ -n "$python" ] || { log "Python $PYTHON_VERSION (with venv) is required, as on Glue $GLUE_VERSION"; exit 1; }
java_major=$(java -version 2>&1 | sed -nE 's/.*version "([0-9]+).*/\1/p' | head -1)
[ "${java_major:-0}" = "$JAVA_VERSION" ] || log "warning: Java ${java_major:-none} found; Glue $GLUE_VERSION runs Java $JAVA_VERSION"
command -v mvn >/dev/null || { log "Maven is required to fetch the Iceberg jars"; exit 1; }

started=$(date +%s)
rm -f "$stamp"
if [ ! -x "$home/venv/bin/python" ]; then
  log "creating the Python venv in .tools/spark/venv"
  "$python" -m venv "$home/venv"
fi
log "installing pyspark==$SPARK_VERSION and pytest==$PYTEST_VERSION (pip's cache is kept)"
"$home/venv/bin/pip" install -q "pyspark==$SPARK_VERSION" "pytest==$PYTEST_VERSION"

rm -rf "$home/jars.partial"
mkdir -p "$home/jars.partial"
fetch() {
  log "fetching $1 with Maven"
  mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="$1" \
    -DoutputDirectory="$home/jars.partial" >"$home/mvn.log" 2>&1 || { cat "$home/mvn.log" >&2; return 1; }
}
fetch "org.apache.iceberg:iceberg-spark-runtime-${SPARK_VERSION%.*}_$SCALA_BINARY_VERSION:$ICEBERG_VERSION"
fetch "org.apache.iceberg:iceberg-aws-bundle:$ICEBERG_VERSION"
fetch "org.apache.hadoop:hadoop-aws:$HADOOP_VERSION"
fetch "com.amazonaws:aws-java-sdk-bundle:$AWS_JAVA_SDK_BUNDLE_VERSION"
rm -f "$home/mvn.log"
rm -rf "$home/jars"
mv "$home/jars.partial" "$home/jars"
printf '%s\n' "$want" >"$stamp"
log "ready in $(($(date +%s) - started)) s: Spark $SPARK_VERSION, Iceberg $ICEBERG_VERSION (Glue $GLUE_VERSION)"
