# Source this file to run things on the local Spark + Iceberg runtime (scripts/spark-runtime.sh
# installs it): puts its venv first on PATH and exports where its Iceberg jars are.
#   SPARK_RUNTIME_HOME   .tools/spark
#   DATALAKE_SPARK_JARS  the Iceberg jars, comma-separated, as spark.jars takes them
#   PYSPARK_PYTHON       the venv's python, for the driver and the executors alike
# shellcheck shell=bash
_spark_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SPARK_RUNTIME_HOME="$_spark_root/.tools/spark"
if [ ! -x "$SPARK_RUNTIME_HOME/venv/bin/spark-submit" ]; then
  echo "spark-env.sh: no Spark runtime in $SPARK_RUNTIME_HOME; run scripts/spark-runtime.sh" >&2
  return 1
fi
export PATH="$SPARK_RUNTIME_HOME/venv/bin:$PATH"
export PYSPARK_PYTHON="$SPARK_RUNTIME_HOME/venv/bin/python" PYSPARK_DRIVER_PYTHON="$SPARK_RUNTIME_HOME/venv/bin/python"
DATALAKE_SPARK_JARS="$(find "$SPARK_RUNTIME_HOME/jars" -name '*.jar' | sort | paste -sd, -)"
export DATALAKE_SPARK_JARS
unset _spark_root
