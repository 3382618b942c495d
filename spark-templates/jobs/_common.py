# Shared helpers of the data lake Spark jobs. The renderer inlines this file into every job script so a
# job is one self-contained file (Glue and EMR run a single script).
import argparse
import json
import re
import sys
from datetime import datetime, timedelta, timezone

from pyspark.java_gateway import ensure_callback_server_started
from pyspark.sql import SparkSession

APPLIED_FILES_PROPERTY = "datalake.applied-files"
LISTED_AT_PROPERTY = "datalake.listed-at"
SOURCE_SNAPSHOT_PROPERTY = "datalake.source-snapshot-id"


def parse_args(argv, extra=()):
    # Glue passes job arguments as --name value pairs and adds its own; unknown ones are ignored.
    parser = argparse.ArgumentParser()
    parser.add_argument("--catalog", default="glue_catalog")
    for name, default in extra:
        parser.add_argument("--" + name, default=default)
    args, _ = parser.parse_known_args(argv)
    return args


def spark_session(app_name):
    # Iceberg and the Glue catalog are configured by the job (Glue: --datalake-formats iceberg plus
    # --conf; EMR: spark-defaults). The session time zone is pinned so timestamps mean the same everywhere.
    spark = SparkSession.builder.appName(app_name).getOrCreate()
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    return spark


def render(sql, catalog):
    return sql.replace("__CATALOG__", catalog.replace("`", "``"))


def run_with_commit_properties(spark, properties, action):
    """Runs action() so that the Iceberg snapshot it commits carries the given summary properties.

    Iceberg's CommitMetadata attaches properties to commits made inside its callable; the callable is a
    Python object exposed to the JVM through py4j, so the properties land in the same atomic commit as
    the data.
    """
    gateway = spark.sparkContext._gateway
    jvm = spark.sparkContext._jvm
    ensure_callback_server_started(gateway)

    class _Action(object):
        def call(self):
            action()
            return None

        class Java:
            implements = ["java.util.concurrent.Callable"]

    jproperties = jvm.java.util.HashMap()
    for key, value in properties.items():
        jproperties.put(key, value)
    jvm.org.apache.iceberg.spark.CommitMetadata.withCommitProperties(
        jproperties, _Action(), jvm.java.lang.Class.forName("java.lang.RuntimeException")
    )


def snapshot_summaries(spark, table):
    rows = spark.sql(
        "SELECT snapshot_id, summary FROM {}.snapshots ORDER BY committed_at".format(table)
    ).collect()
    return [(row["snapshot_id"], row["summary"] or {}) for row in rows]


def current_snapshot_id(spark, table):
    rows = spark.sql(
        "SELECT snapshot_id FROM {}.snapshots ORDER BY committed_at DESC LIMIT 1".format(table)
    ).collect()
    return rows[0]["snapshot_id"] if rows else None


# The slots generated SQL carries for the columns schema drift policy "evolve" adds at run time
# (evolvedColumnsSlot in the renderer): a comment holding the list item for one column.
EVOLVED_SLOT = re.compile(r"/\*dl-evolved (\{.*?\})\*/")
EVOLVED_PLACEHOLDER = "`__dl_column__`"
# Glue table and column names: lower snake case.
GLUE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,254}$")


def quote(name):
    return "`{}`".format(name.replace("`", "``"))


def expand_evolved(sql, columns):
    """Fills the evolved-columns slots of generated SQL, as expandEvolvedColumns in the renderer does;
    columns are {"name", "text"}."""
    def fill(match):
        items = json.loads(match.group(1))
        return "".join((items["text"] if c["text"] else items["plain"]).replace(EVOLVED_PLACEHOLDER, quote(c["name"]))
                       for c in columns)
    return EVOLVED_SLOT.sub(fill, sql)


def add_columns(spark, table, columns, why):
    """Adds columns ({"name", "type"}) to an Iceberg table: a schema update, no new snapshot."""
    for c in columns:
        spark.sql("ALTER TABLE {} ADD COLUMNS ({} {} COMMENT '{}')".format(
            table, quote(c["name"]), c["type"], why.replace("\\", "\\\\").replace("'", "\\'")))


def utc_now():
    return datetime.now(timezone.utc)


def fail(message):
    sys.stderr.write("datalake job failed: {}\n".format(message))
    raise SystemExit(1)
