"""Silver -> gold refresh: recomputes each gold table of the pipeline from its SQL in one Iceberg commit.

Job arguments: --catalog.
"""
# __COMMON__

GENERATED = __GENERATED__


def main(argv):
    args = parse_args(argv)
    gen = GENERATED
    spark = spark_session("datalake-gold-{}".format(gen["name"]))
    for table in gen["tables"]:
        for statement in table["statements"]:
            spark.sql(render(statement, args.catalog))
        print("refreshed {}".format(render(table["target"], args.catalog)))


if __name__ == "__main__":
    main(sys.argv[1:])
