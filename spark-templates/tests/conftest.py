"""Pytest fixtures for the Spark jobs: one local Spark session with Iceberg, per test session.

Run through scripts/spark-test.sh, which installs the runtime and exports DATALAKE_SPARK_JARS.
"""
import os
import pathlib

import pytest
from pyspark.sql import SparkSession

RUNTIME_PINS = pathlib.Path(__file__).resolve().parents[1] / "glue-runtime.env"


def runtime_pins() -> dict:
    """The versions in spark-templates/glue-runtime.env, the runtime's one home."""
    pins = {}
    for line in RUNTIME_PINS.read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            pins[key] = value
    return pins


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    jars = os.environ.get("DATALAKE_SPARK_JARS")
    if not jars:
        raise RuntimeError(
            "DATALAKE_SPARK_JARS is not set: run the tests with scripts/spark-test.sh"
        )
    warehouse = tmp_path_factory.mktemp("warehouse")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("datalake-spark-tests")
        .config("spark.jars", jars)
        .config(
            "spark.sql.extensions",
            "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        )
        # A file-system Iceberg catalog: these tests need no Glue or S3.
        .config("spark.sql.catalog.local", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.local.type", "hadoop")
        .config("spark.sql.catalog.local.warehouse", str(warehouse))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("WARN")
    yield session
    session.stop()
