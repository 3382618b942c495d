"""Iceberg table maintenance: compaction, snapshot expiry and orphan file removal with configured retention.

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


if __name__ == "__main__":
    main(sys.argv[1:])
