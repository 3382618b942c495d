"""Landing -> bronze CDC merge of one table, for Spark 3.5 with the Iceberg runtime.

Reads the DMS files of one table that were not applied yet (full-load LOAD* files, then CDC files, all
under <landing>/<schema>/<table>/),
keeps the last change per key and merges it into the bronze Iceberg table. The names of the applied
files, and the modification times of the full-load files, are written into the same Iceberg commit
(snapshot summary), so a rerun applies nothing twice. A full-load file rewritten under a name already
applied (a DMS table reload) makes the run rebuild the table from the new full load and the CDC files
after it, in one MERGE that also deletes the rows the new full load no longer holds (plan_batch).

Job arguments: --catalog, --landing_path (overrides the generated one), --clock_skew_minutes.
"""
# __COMMON__

GENERATED = __GENERATED__

FULL_LOAD_FILE = re.compile(r"^LOAD[0-9A-F]{8}\.")
# Name -> modification time (ms since the epoch) of every full-load file applied, as of the commit.
FULL_LOAD_FILES_PROPERTY = "datalake.full-load-files"


def list_landing_files(spark, root, schema, table, extension):
    """The table's DMS files in apply order: full load (LOAD + hexadecimal counter), then CDC.

    One full-load-and-cdc DMS task writes every file of a table into [BucketFolder/]<schema>/<table>/:
    the full load as LOAD00000001... directly in that folder, and the CDC files, named by commit
    timestamp, in the same folder or, with DatePartitionEnabled, in date folders below it (DMS User
    Guide, "Using Amazon S3 as a target for AWS Database Migration Service").
    """
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    prefix = "{}/{}/".format(schema, table)
    folder = jvm.org.apache.hadoop.fs.Path(root.rstrip("/") + "/" + prefix)
    fs = folder.getFileSystem(conf)
    if not fs.exists(folder):
        return []
    base = fs.makeQualified(folder).toString().rstrip("/") + "/"
    files = []
    listing = fs.listFiles(folder, True)
    while listing.hasNext():
        status = listing.next()
        path = status.getPath().toString()
        relative = path[len(base):] if path.startswith(base) else status.getPath().getName()
        file_name = relative.rsplit("/", 1)[-1]
        if not file_name.lower().endswith(extension):
            continue
        full_load = "/" not in relative and FULL_LOAD_FILE.match(file_name) is not None
        files.append(
            {
                "name": prefix + relative,
                "path": path,
                "phase": "full-load" if full_load else "cdc",
                "base": file_name,
                "modified": datetime.fromtimestamp(status.getModificationTime() / 1000.0, timezone.utc),
                "modified_ms": int(status.getModificationTime()),
            }
        )
    # CDC file names are commit timestamps, so name order is commit order across date folders.
    return sorted(files, key=lambda f: (f["phase"] != "full-load", f["base"], f["name"]))


def already_applied(spark, table, clock_skew):
    """Files recorded in retained snapshots, the time before which every file was seen, and the
    modification times of the applied full-load files (the latest commit's map: every commit carries
    the whole map, so it outlives snapshot expiry)."""
    applied = set()
    seen_before = None
    full_loads = {}
    for _, summary in snapshot_summaries(spark, table):
        if APPLIED_FILES_PROPERTY in summary:
            applied.update(json.loads(summary[APPLIED_FILES_PROPERTY]))
        if LISTED_AT_PROPERTY in summary:
            listed_at = datetime.fromisoformat(summary[LISTED_AT_PROPERTY]) - clock_skew
            seen_before = listed_at if seen_before is None else max(seen_before, listed_at)
        if FULL_LOAD_FILES_PROPERTY in summary:
            full_loads = json.loads(summary[FULL_LOAD_FILES_PROPERTY])
    return applied, seen_before, full_loads


def plan_batch(files, applied, full_loads, seen_before, margin_ms):
    """The files of this run, as planBronzeBatch in the renderer chooses them for the DuckDB replay.

    No reload: the files not applied yet, merged incrementally. A full-load file whose recorded
    modification time differs from its present one is a table reload (DMS ReloadTables writes the new
    full load under the same LOAD names and leaves the old CDC files): the run rebuilds the table
    from every file modified at or after the first rewritten full-load file, applied or not (the new
    full load and the CDC after it). Older files are contained in the new full load: DMS applies a
    reloaded table's changes from after its snapshot once the table's load is complete, so they land
    after it, and none older is read, since a change older than the load replayed over it would undo
    what the reload is for. The times all come from the landing store's clock (S3 LastModified), so
    the job's clock skew does not enter. Full-load files written up to margin_ms before it are read too:
    they are the same reload's, when a run listed its LOAD files half written.
    """
    pending = [f for f in files if f["name"] not in applied
               and (seen_before is None or f["modified"] >= seen_before)]
    reloaded = [f for f in files if f["phase"] == "full-load" and f["name"] in full_loads
                and full_loads[f["name"]] != f["modified_ms"]]
    if not reloaded:
        return {"reload": False, "read": pending, "record": pending, "reloaded": []}
    since = min(f["modified_ms"] for f in reloaded)
    reloaded_names = set(f["name"] for f in reloaded)
    return {
        "reload": True,
        "read": [f for f in files
                 if f["modified_ms"] >= (since - margin_ms if f["phase"] == "full-load" else since)],
        "record": [f for f in files if f in pending or f["name"] in reloaded_names],
        "reloaded": reloaded,
    }


def full_load_times(files, applied, full_loads, record):
    """The map the commit records: the previous one, with the present time of every listed full-load
    file this commit or an earlier one applied (files applied before times were recorded get their
    present time as the baseline)."""
    recorded = set(f["name"] for f in record)
    times = dict(full_loads)
    for f in files:
        if f["phase"] == "full-load" and (f["name"] in applied or f["name"] in recorded):
            times[f["name"]] = f["modified_ms"]
    return times


def read_csv_file(spark, file, gen):
    """One DMS CSV file as a frame of text columns named as the layout in the generated settings says.

    A CSV file has no header (AddColumnName is off), so the rendered job carries the column order of the
    file: Op, the commit timestamp, the source columns in table order, the change sequence. An empty
    unquoted field is NULL (CsvNullValue is the empty string) and a quoted empty field the empty string;
    quoted fields may hold the delimiter, doubled quotes and line breaks (Rfc4180). A record with another
    number of fields fails the run (FAILFAST) instead of shifting values into the wrong columns.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    csv = gen["csv"]
    names = csv["full_load_columns"] if file["phase"] == "full-load" else csv["cdc_columns"]
    schema = StructType([StructField("__c{}".format(i), StringType(), True) for i in range(len(names))])
    # Spark compares each field with nullValue after the parser has put emptyValue in place of a quoted
    # empty field, so nullValue "" would read "" as NULL as well. With an empty CsvNullValue, a text no
    # field holds stands for the unquoted empty field instead (the parser substitutes it there only).
    null_value = csv["null_value"] or "\u0000datalake-null\u0000"
    frame = spark.read.csv(file["path"], schema=schema, header=False, sep=csv["delimiter"],
                           nullValue=null_value, emptyValue="", quote='"', escape='"',
                           multiLine=True, encoding="UTF-8", mode="FAILFAST")
    # A whole file is one partition with multiLine, so zipWithIndex numbers rows in file order.
    indexed = frame.rdd.zipWithIndex().map(lambda pair: tuple(pair[0]) + (pair[1],))
    frame = spark.createDataFrame(indexed, StructType(schema.fields + [StructField("__row", LongType())]))
    hex_columns = set(csv["hex_columns"])
    # DMS writes binary values as hexadecimal text in CSV files.
    return frame.select(
        [(F.unhex(F.col("__c{}".format(i))) if name in hex_columns else F.col("__c{}".format(i))).alias(name)
         for i, name in enumerate(names)] + [F.col("__row")])


def drift_failure(gen, file, columns):
    # Worded as schemaDriftFailureMessage in the renderer, which the DuckDB replay raises.
    fail("{}: landing file {} has columns the pipeline does not know: {} (schema drift policy 'fail'); "
         "nothing was applied. The source table gained columns after the pipeline was made: to replicate "
         "them, set the pipeline's schema drift policy to 'evolve' (they are added to bronze and silver); "
         "to leave them out, set it to 'ignore'; then update its Glue jobs (datalake:glue:job:create)".format(
             gen["bronze_name"], file, ", ".join(columns)))


def apply_drift_policy(spark, target, files, gen):
    """Applies the schema drift policy to the columns of the batch's Parquet files the pipeline does not
    know (DMS appends the columns an ALTER TABLE ADD COLUMN adds), before anything is read: 'fail' stops
    the run, 'ignore' leaves them out, 'evolve' adds them to the bronze table (an Iceberg schema update,
    under their source names and Parquet types). Returns the columns the table gained this way, now or
    in an earlier run, that this batch writes: [{"name", "type", "text"}]."""
    policy = gen["schema_drift"]
    if gen["format"] != "parquet" or policy == "ignore":
        # CSV files name no columns: a file with more fields fails the read (csv_drift_failure).
        return []
    known = set(gen["known_landing_columns"])
    unknown = {}
    for file in files:
        fields = [f for f in spark.read.parquet(file["path"]).schema.fields if f.name not in known]
        if fields and policy == "fail":
            drift_failure(gen, file["name"], [f.name for f in fields])
        for field in fields:
            unknown.setdefault(field.name, {"type": field.dataType.simpleString(), "file": file["name"]})
    if policy == "fail":
        # Under 'fail' the table never gains columns.
        return []
    bronze_known = set(gen["bronze_columns"])
    present = set(spark.table(target).columns)
    added = []
    for name, info in unknown.items():
        if not GLUE_NAME.match(name) or name.startswith("_dl_"):
            fail("{}: landing file {} has column {}, which schema drift policy 'evolve' cannot add: it adds "
                 "columns under their source names, and this is not a Glue name (lower snake case, not "
                 "starting with _dl_); nothing was applied. Rename the column at the source, or set the "
                 "pipeline's schema drift policy to 'ignore'".format(gen["bronze_name"], info["file"], name))
        if name not in present:
            added.append({"name": name, "type": info["type"]})
    if added:
        add_columns(spark, target, added, "added by schema drift policy evolve")
        print("schema drift: added {} to {}".format(
            ", ".join("{} {}".format(c["name"], c["type"]) for c in added), target))
    return [{"name": f.name, "type": f.dataType.simpleString(), "text": f.dataType.simpleString() == "string"}
            for f in spark.table(target).schema.fields if f.name not in bronze_known]


def csv_drift_failure(spark, files, gen):
    """After Spark refused a CSV record (FAILFAST), fails naming the first file with more fields than the
    pipeline's columns: the source table gained columns and DMS appends them. Returns otherwise."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    csv = gen["csv"]
    for file in files:
        names = csv["full_load_columns"] if file["phase"] == "full-load" else csv["cdc_columns"]
        # PERMISSIVE mode keeps the first fields of a longer record and drops the rest, so the probe
        # reads up to 16 fields past the layout.
        width = len(names) + 16
        probe = spark.read.csv(file["path"], schema=StructType(
            [StructField("__c{}".format(i), StringType(), True) for i in range(width)]),
            header=False, sep=csv["delimiter"], quote='"', escape='"', multiLine=True, encoding="UTF-8",
            mode="PERMISSIVE")
        extra = [i for i in range(len(names), width)
                 if probe.where(F.col("__c{}".format(i)).isNotNull()).limit(1).count() > 0]
        if extra:
            drift_failure(gen, file["name"], ["field {}".format(i + 1) for i in extra])


def read_raw(spark, files, gen, evolved):
    from pyspark.sql import functions as F

    binary = set(gen["binary_columns"])
    frames = []
    for file in files:
        cdc = file["phase"] == "cdc"
        if gen["format"] == "parquet":
            df = spark.read.parquet(file["path"])
            present = set(df.columns)
            df = df.select("*", F.col("_metadata.row_index").alias("__row"))
        else:
            df = read_csv_file(spark, file, gen)
            present = set(df.columns)

        def pick(name, when=True):
            # Binary values stay binary: text would not carry bytes that are not UTF-8.
            kind = "binary" if name in binary else "string"
            return F.col(name).cast(kind) if name and when and name in present else F.lit(None).cast(kind)

        columns = [pick(c).alias(c) for c in gen["source_columns"]]
        columns += [
            (F.col("Op").cast("string") if cdc else F.lit("I")).alias("_dl_op"),
            pick(gen["timestamp_column"], cdc).alias("_dl_commit_ts"),
            pick(gen["sequence_column"], cdc).alias("_dl_change_seq"),
            F.lit(file["name"]).alias("_dl_source_file"),
            F.col("__row").cast("bigint").alias("_dl_source_row"),
        ]
        # Evolved columns keep their types: older files, from before the ALTER TABLE, lack them.
        columns += [(F.col(c["name"]) if c["name"] in present else F.lit(None)).cast(c["type"]).alias(c["name"])
                    for c in evolved]
        frames.append(df.select(columns))
    result = frames[0]
    for frame in frames[1:]:
        result = result.unionByName(frame)
    return result


def check_casts(spark, gen):
    """Fails the run, before anything is applied, on the first CSV value that does not fit its bronze
    type: Spark without ANSI mode would cast it to NULL. Worded as the DuckDB replay words it
    (bronzeCastFailureMessage in the renderer)."""
    if not gen["cast_check_sql"]:
        return
    rows = spark.sql(gen["cast_check_sql"]).collect()
    if rows:
        row = rows[0].asDict()
        fail("{}: value '{}' of column {} in {} row {} does not fit {}; nothing was applied".format(
            gen["bronze_name"], row["_dl_value"], row["_dl_column"], row["_dl_file"], row["_dl_row"],
            row["_dl_type"]))


def main(argv):
    args = parse_args(argv, [("landing_path", None), ("clock_skew_minutes", "15")])
    gen = GENERATED
    spark = spark_session("datalake-bronze-{}".format(gen["bronze_table"]))
    target = render(gen["target"], args.catalog)
    listed_at = utc_now()
    files = list_landing_files(spark, args.landing_path or gen["landing_path"], gen["source_schema"],
                               gen["source_table"], "." + gen["format"])
    clock_skew = timedelta(minutes=int(args.clock_skew_minutes))
    applied, seen_before, full_loads = already_applied(spark, target, clock_skew)
    if not files and not applied:
        # A bronze table that never received a file, over a landing folder with none: the endpoint's
        # bucket folder or the table's schema is not where DMS writes. Passing would hide it.
        fail("no {} files under {}/{}/{}/ and none applied before: check the DMS endpoint's BucketFolder "
             "and that the task replicates {}.{}".format(
                 gen["format"], (args.landing_path or gen["landing_path"]).rstrip("/"),
                 gen["source_schema"], gen["source_table"], gen["source_schema"], gen["source_table"]))
    batch = plan_batch(files, applied, full_loads, seen_before, int(clock_skew.total_seconds() * 1000))
    if not batch["record"]:
        print("nothing to apply: {} file(s) already applied".format(len(files)))
        return
    evolved = apply_drift_policy(spark, target, batch["read"], gen)
    names = [f["name"] for f in batch["record"]]
    times = full_load_times(files, applied, full_loads, batch["record"])
    merge_sql = expand_evolved(gen["reload_merge_sql"] if batch["reload"] else gen["merge_sql"], evolved)
    before = current_snapshot_id(spark, target)
    try:
        read_raw(spark, batch["read"], gen, evolved).createOrReplaceTempView("landing_raw")
        check_casts(spark, gen)
        changes = spark.sql(expand_evolved(gen["change_projection_sql"], evolved))
        missing_key = changes.where(" OR ".join("{} IS NULL".format(quote(k)) for k in gen["key"]))
        if missing_key.limit(1).count() > 0:
            fail("change rows without a key value: {}".format(missing_key.limit(5).collect()))
        changes.createOrReplaceTempView("landing_changes")
        run_with_commit_properties(
            spark,
            {APPLIED_FILES_PROPERTY: json.dumps(names), LISTED_AT_PROPERTY: listed_at.isoformat(),
             FULL_LOAD_FILES_PROPERTY: json.dumps(times, sort_keys=True)},
            lambda: spark.sql(render(merge_sql, args.catalog)),
        )
    except Exception as error:  # fail() raises SystemExit, which passes
        if gen["format"] == "csv" and "Malformed" in str(error):
            csv_drift_failure(spark, batch["read"], gen)
        raise
    after = current_snapshot_id(spark, target)
    if after != before:
        summary = dict(snapshot_summaries(spark, target))[after]
        if json.loads(summary.get(APPLIED_FILES_PROPERTY, "[]")) != names:
            fail("snapshot {} does not record its landing files; check the Iceberg runtime".format(after))
    if batch["reload"]:
        print("rebuilt {} from the reloaded full load ({}): read {} file(s), recorded {} file(s), "
              "snapshot {}".format(target, ", ".join(f["name"] for f in batch["reloaded"]),
                                   len(batch["read"]), len(names), after))
    else:
        print("applied {} file(s) to {}".format(len(names), target))


if __name__ == "__main__":
    main(sys.argv[1:])
