"""Bronze -> silver incremental merge of one table, for Spark 3.5 with the Iceberg runtime.

Reads the net change of bronze since the bronze snapshot recorded in the last silver commit, cleans it
(snake_case renames, casts, trimming, null normalisation) and merges it into silver, recording the bronze
snapshot id in the same silver commit.

The change is the difference of two bronze snapshots read by time travel, not Iceberg's changelog view:
Iceberg 1.7 refuses changelog scans of snapshots that carry delete files, which every merge-on-read
MERGE into bronze writes. Time travel applies the delete files, so it works in either write mode.

Job arguments: --catalog.
"""
# __COMMON__

GENERATED = __GENERATED__


def last_processed_snapshot(spark, silver):
    for _, summary in reversed(snapshot_summaries(spark, silver)):
        if SOURCE_SNAPSHOT_PROPERTY in summary:
            return int(summary[SOURCE_SNAPSHOT_PROPERTY])
    return None


def bronze_changes(spark, bronze, key, start, end):
    """One row per bronze key that changed between the snapshots: its new image, or its old one
    marked _dl_deleted when the key is gone. Unchanged rows cancel out (EXCEPT DISTINCT)."""
    from pyspark.sql import functions as F

    current = spark.sql("SELECT * FROM {} VERSION AS OF {}".format(bronze, end))
    if start is None:
        previous = current.limit(0)
    else:
        known = [snapshot for snapshot, _ in snapshot_summaries(spark, bronze)]
        if start not in known:
            fail("bronze snapshot {} that silver last merged has expired from {}: reload the table "
                 "to rebuild silver".format(start, bronze))
        previous = spark.sql("SELECT * FROM {} VERSION AS OF {}".format(bronze, start))
    upserts = current.subtract(previous).withColumn("_dl_deleted", F.lit(False))
    deletes = previous.join(current.select(*key), on=list(key), how="left_anti").withColumn(
        "_dl_deleted", F.lit(True))
    return upserts.unionByName(deletes).withColumn("_dl_change_ordinal", F.lit(0))


def check_casts(spark, gen):
    """Fails the job, before anything is merged, on the first value that does not fit its silver type.

    Spark without ANSI mode turns a failed CAST into NULL (and wraps an integer overflow); the check
    makes that an error naming the table, column, value and key, worded as the DuckDB replay words it
    (silverCastFailureMessage in the renderer).
    """
    if not gen["cast_check_sql"]:
        return
    rows = spark.sql(gen["cast_check_sql"]).collect()
    if not rows:
        return
    row = rows[0].asDict()
    key = ", ".join("{}={}".format(k, row["_dl_key_{}".format(j)]) for j, k in enumerate(gen["silver_key"]))
    fail("{}: value '{}' of column {} does not fit {} (key {}); nothing was merged".format(
        gen["silver_name"], row["_dl_value"], row["_dl_column"], row["_dl_type"], key))


def main(argv):
    args = parse_args(argv)
    gen = GENERATED
    spark = spark_session("datalake-silver-{}".format(gen["silver_table"]))
    bronze = render(gen["bronze"], args.catalog)
    silver = render(gen["target"], args.catalog)
    end = current_snapshot_id(spark, bronze)
    start = last_processed_snapshot(spark, silver)
    if end is None or end == start:
        print("bronze has no new snapshot")
        return
    bronze_changes(spark, bronze, gen["bronze_key"], start, end).createOrReplaceTempView("bronze_changes")
    check_casts(spark, gen)
    run_with_commit_properties(
        spark,
        {SOURCE_SNAPSHOT_PROPERTY: str(end)},
        lambda: spark.sql(render(gen["merge_sql"], args.catalog)),
    )
    print("merged bronze snapshots ({}, {}] into {}".format(start, end, silver))


if __name__ == "__main__":
    main(sys.argv[1:])
