"""The local runtime is the one Glue runs: its versions, and Iceberg v2 MERGE INTO on it."""
import pytest

from conftest import runtime_pins


def test_the_runtime_is_the_pinned_glue_runtime(spark):
    pins = runtime_pins()
    assert spark.version == pins["SPARK_VERSION"]
    iceberg = spark.sparkContext._jvm.org.apache.iceberg.IcebergBuild.version()
    assert iceberg == pins["ICEBERG_VERSION"]


@pytest.mark.parametrize("mode", ["copy-on-write", "merge-on-read"])
def test_merge_into_updates_deletes_and_inserts(spark, mode):
    table = f"local.smoke.customers_{mode.replace('-', '_')}"
    spark.sql("CREATE NAMESPACE IF NOT EXISTS local.smoke")
    spark.sql(f"DROP TABLE IF EXISTS {table}")
    spark.sql(
        f"""
        CREATE TABLE {table} (id BIGINT NOT NULL, name STRING, balance DECIMAL(10, 2))
        USING iceberg
        TBLPROPERTIES (
          'format-version' = '2',
          'write.update.mode' = '{mode}',
          'write.delete.mode' = '{mode}',
          'write.merge.mode' = '{mode}'
        )
        """
    )
    spark.sql(
        f"INSERT INTO {table} VALUES (1, 'ana', 10.00), (2, 'ben', 20.00), (3, 'cy', 30.00)"
    )
    spark.createDataFrame(
        [(1, "ana", "12.50", "U"), (2, None, None, "D"), (4, "dana", "40.00", "I")],
        "id BIGINT, name STRING, balance STRING, op STRING",
    ).createOrReplaceTempView("changes")

    spark.sql(
        f"""
        MERGE INTO {table} t
        USING (SELECT id, name, CAST(balance AS DECIMAL(10, 2)) AS balance, op FROM changes) c
        ON t.id = c.id
        WHEN MATCHED AND c.op = 'D' THEN DELETE
        WHEN MATCHED THEN UPDATE SET t.name = c.name, t.balance = c.balance
        WHEN NOT MATCHED AND c.op <> 'D' THEN INSERT (id, name, balance)
          VALUES (c.id, c.name, c.balance)
        """
    )

    rows = [
        (r.id, r.name, str(r.balance))
        for r in spark.sql(f"SELECT * FROM {table} ORDER BY id").collect()
    ]
    assert rows == [(1, "ana", "12.50"), (3, "cy", "30.00"), (4, "dana", "40.00")]

    props = {
        r.key: r.value for r in spark.sql(f"SHOW TBLPROPERTIES {table}").collect()
    }
    assert props["format-version"] == "2"
    operations = [
        r.operation
        for r in spark.sql(
            f"SELECT operation FROM {table}.snapshots ORDER BY committed_at"
        ).collect()
    ]
    assert operations[0] == "append" and len(operations) == 2
    delete_files = spark.sql(
        f"SELECT count(*) AS n FROM {table}.delete_files"
    ).collect()[0].n
    # Merge-on-read writes the deleted and updated rows' positions as delete files; copy-on-write
    # rewrites the data file instead.
    assert (delete_files > 0) == (mode == "merge-on-read")
