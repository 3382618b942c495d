"""Iceberg table maintenance of a pipeline table's bronze, silver and gold tables: compaction that
applies and then drops merge-on-read position deletes, snapshot expiry and orphan file removal with
configured retention. EventBridge Scheduler starts it daily (datalake:scheduler:schedule:create).

Job arguments: --catalog, --snapshot_retention_days, --orphan_file_retention_days, --retain_last.
"""
# __COMMON__

GENERATED = __GENERATED__


def main(argv):
    gen = GENERATED
    args = parse_args(
        argv,
        [
            ("snapshot_retention_days", str(gen["snapshot_retention_days"])),
            ("orphan_file_retention_days", str(gen["orphan_file_retention_days"])),
            ("retain_last", "10"),
        ],
    )
    spark = spark_session("datalake-maintenance-{}".format(gen["name"]))
    catalog = args.catalog.replace("`", "")
    now = utc_now()
    for table in gen["tables"]:
        older = (now - timedelta(days=int(args.snapshot_retention_days))).strftime("%Y-%m-%d %H:%M:%S")
        orphans = (now - timedelta(days=int(args.orphan_file_retention_days))).strftime("%Y-%m-%d %H:%M:%S")
        if is_merge_on_read(spark, catalog, table):
            compact_deletes(spark, catalog, table)
        else:
            spark.sql("CALL {}.system.rewrite_data_files(table => '{}')".format(catalog, table))
        spark.sql(
            "CALL {}.system.expire_snapshots(table => '{}', older_than => TIMESTAMP '{}', retain_last => {})".format(
                catalog, table, older, int(args.retain_last)
            )
        )
        spark.sql(
            "CALL {}.system.remove_orphan_files(table => '{}', older_than => TIMESTAMP '{}')".format(
                catalog, table, orphans
            )
        )
        print("maintained {}".format(table))


MERGE_ON_READ_PROPERTIES = ("write.delete.mode", "write.update.mode", "write.merge.mode")


def is_merge_on_read(spark, catalog, table):
    """Whether any row-level write of the table leaves delete files instead of rewriting data files."""
    properties = {
        row["key"]: row["value"] for row in spark.sql("SHOW TBLPROPERTIES {}.{}".format(catalog, table)).collect()
    }
    return any(properties.get(name) == "merge-on-read" for name in MERGE_ON_READ_PROPERTIES)


def compact_deletes(spark, catalog, table):
    """Applies a merge-on-read table's deletes, so that reads stop merging them, then drops them.

    rewrite_data_files with delete-file-threshold 1 rewrites every data file that at least one delete
    file applies to (as well as the small files it compacts anyway), writing the rows without the deleted
    ones. The position delete files that pointed into the rewritten files stay in the table's metadata
    ("dangling"); rewrite_position_delete_files with rewrite-all then rewrites every position delete
    file, dropping the entries whose data file is gone, so that none of them is live afterwards and the
    ones that still apply are compacted into fewer files (Iceberg 1.7 Spark procedures).
    """
    spark.sql(
        "CALL {}.system.rewrite_data_files(table => '{}', options => map('delete-file-threshold', '1'))".format(
            catalog, table
        )
    )
    spark.sql(
        "CALL {}.system.rewrite_position_delete_files(table => '{}', options => map('rewrite-all', 'true'))".format(
            catalog, table
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
