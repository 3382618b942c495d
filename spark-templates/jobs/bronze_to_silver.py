"""Bronze -> silver incremental merge of one table, for Spark 3.5 with the Iceberg runtime.

Reads the bronze changes committed since the bronze snapshot recorded in the last silver commit
(Iceberg changelog view), cleans them (snake_case renames, casts, trimming, null normalisation) and
merges them into silver, recording the bronze snapshot id in the same silver commit.

Job arguments: --catalog.
"""
# __COMMON__

GENERATED = __GENERATED__


def last_processed_snapshot(spark, silver):
    for _, summary in reversed(snapshot_summaries(spark, silver)):
        if SOURCE_SNAPSHOT_PROPERTY in summary:
            return int(summary[SOURCE_SNAPSHOT_PROPERTY])
    return None


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
    options = {"end-snapshot-id": str(end)}
    if start is not None:
        options["start-snapshot-id"] = str(start)
    catalog_name = args.catalog.replace("'", "")
    spark.sql(
        "CALL {}.system.create_changelog_view(table => '{}', options => map({}), "
        "changelog_view => 'bronze_changelog', identifier_columns => array({}))".format(
            catalog_name,
            gen["bronze_name"],
            ", ".join("'{}', '{}'".format(k, v) for k, v in options.items()),
            ", ".join("'{}'".format(k) for k in gen["bronze_key"]),
        )
    )
    spark.sql(
        "SELECT *, _change_type = 'DELETE' AS _dl_deleted, _change_ordinal AS _dl_change_ordinal "
        "FROM bronze_changelog WHERE _change_type IN ('INSERT', 'DELETE', 'UPDATE_AFTER')"
    ).createOrReplaceTempView("bronze_changes")
    run_with_commit_properties(
        spark,
        {SOURCE_SNAPSHOT_PROPERTY: str(end)},
        lambda: spark.sql(render(gen["merge_sql"], args.catalog)),
    )
    print("merged bronze snapshots ({}, {}] into {}".format(start, end, silver))


if __name__ == "__main__":
    main(sys.argv[1:])
