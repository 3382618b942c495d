"""Runs a rendered job script in one local Spark session, as the tests of the jobs need it.

    spark-submit run_job.py --request REQUEST.json

The request (JSON) says:
  setup:  SQL statements run first (the namespaces and tables our actions create on AWS);
  job:    the rendered job script, run as __main__ with `args` as its command line;
  dump:   tables to read back afterwards, each written to `out` as one JSON object per line, every
          value as text.

The process exits with the job's own status, so a job that fails fails the run; the dumps are
written either way, since a failed job must leave its tables as they were.
"""
import argparse
import json
import runpy
import sys

from pyspark.sql import SparkSession


def as_text(field):
    """A column as text: maps, arrays and structs as JSON, everything else as CAST AS STRING."""
    name = "`{}`".format(field.name.replace("`", "``"))
    complex_type = field.dataType.typeName() in ("map", "array", "struct")
    return "{}({}) AS {}".format("to_json" if complex_type else "CAST", name if complex_type else name + " AS STRING", name)


def dump_tables(spark, dumps):
    """Writes each table as JSON lines, every value as text and nulls kept, so that a test compares
    values, not JSON encodings."""
    for dump in dumps:
        frame = spark.table(dump["table"])
        if dump.get("columns"):
            frame = frame.select(*["`{}`".format(c.replace("`", "``")) for c in dump["columns"]])
        frame = frame.orderBy(*(dump.get("order_by") or frame.columns))
        texts = frame.selectExpr(*[as_text(field) for field in frame.schema.fields])
        with open(dump["out"], "w", encoding="utf-8") as out:
            for row in texts.collect():
                out.write(json.dumps(row.asDict()) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--request", required=True)
    request = json.load(open(parser.parse_args().request, encoding="utf-8"))
    spark = SparkSession.builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    for statement in request.get("setup", []):
        spark.sql(statement)
    status = 0
    for run in request.get("runs", []):
        sys.argv = [run["job"]] + run.get("args", [])
        try:
            runpy.run_path(run["job"], run_name="__main__")
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 1
        if status != 0:
            break
    dump_tables(spark, request.get("dump", []))
    spark.stop()
    sys.exit(status)


if __name__ == "__main__":
    main()
