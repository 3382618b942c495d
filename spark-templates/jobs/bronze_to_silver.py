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

    # A snapshot is read in its own schema: one from before a column was added lacks it. Both sides
    # take the table's present columns, NULL where the snapshot has none.
    fields = spark.table(bronze).schema.fields

    def as_of(snapshot):
        frame = spark.sql("SELECT * FROM {} VERSION AS OF {}".format(bronze, snapshot))
        return frame.select([F.col(f.name) if f.name in frame.columns else F.lit(None).cast(f.dataType).alias(f.name)
                             for f in fields])

    current = as_of(end)
    if start is None:
        previous = current.limit(0)
    else:
        known = [snapshot for snapshot, _ in snapshot_summaries(spark, bronze)]
        if start not in known:
            fail("bronze snapshot {} that silver last merged has expired from {}: reload the table "
                 "to rebuild silver".format(start, bronze))
        previous = as_of(start)
    upserts = current.subtract(previous).withColumn("_dl_deleted", F.lit(False))
    deletes = previous.join(current.select(*key), on=list(key), how="left_anti").withColumn(
        "_dl_deleted", F.lit(True))
    return upserts.unionByName(deletes).withColumn("_dl_change_ordinal", F.lit(0))


def evolve_silver(spark, bronze, silver, gen):
    """Schema drift policy 'evolve': the columns bronze gained after the pipeline was made (the bronze
    job added them) are added to silver under their bronze names and types, before the merge writes
    them. Returns them as the merge's slots take them: [{"name", "text"}]."""
    if gen["schema_drift"] != "evolve":
        return []
    known = set(gen["bronze_columns"])
    evolved = [f for f in spark.table(bronze).schema.fields if f.name not in known]
    present = set(spark.table(silver).columns)
    taken = set(gen["silver_columns"])
    for field in evolved:
        if field.name in taken:
            fail("{}: column {} that bronze gained has the name of a silver column of another bronze column; "
                 "nothing was merged. Rename the column at the source, or change the silver rename that "
                 "gives that name".format(gen["silver_name"], field.name))
    added = [{"name": f.name, "type": f.dataType.simpleString()} for f in evolved if f.name not in present]
    if added:
        add_columns(spark, silver, added, "added by schema drift policy evolve")
        print("schema drift: added {} to {}".format(
            ", ".join("{} {}".format(c["name"], c["type"]) for c in added), silver))
    return [{"name": f.name, "text": f.dataType.simpleString() == "string"} for f in evolved]


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
    fail("{}: value '{}' of column {} does not fit {} (key {}); nothing was merged. Correct the value "
         "at the source, or change the pipeline's silver cast of {}".format(
             gen["silver_name"], row["_dl_value"], row["_dl_column"], row["_dl_type"], key, row["_dl_column"]))


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
    evolved = evolve_silver(spark, bronze, silver, gen)
    bronze_changes(spark, bronze, gen["bronze_key"], start, end).createOrReplaceTempView("bronze_changes")
    check_casts(spark, gen)
    merge_sql = expand_evolved(gen["merge_sql"], evolved)
    run_with_commit_properties(
        spark,
        {SOURCE_SNAPSHOT_PROPERTY: str(end)},
        lambda: spark.sql(render(merge_sql, args.catalog)),
    )
    print("merged bronze snapshots ({}, {}] into {}".format(start, end, silver))


if __name__ == "__main__":
    main(sys.argv[1:])
