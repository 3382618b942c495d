"""The bronze job's choice of files (plan_batch), on the cases planBronzeBatch is tested with in the
renderer (plugins/datalake-node/src/replay/bronzeBatch.test.ts): the DuckDB replay and the Spark job
must pick the same files for a table reload.

The template is loaded with the shared helpers inlined and an empty GENERATED, as the renderer fills
it; only its pure functions are called, so no Spark session is needed.
"""
import pathlib
from datetime import datetime, timezone

import pytest

JOBS = pathlib.Path(__file__).resolve().parents[1] / "jobs"
MINUTE = 60_000
T = 1_700_000_000_000


@pytest.fixture(scope="module")
def job():
    source = (JOBS / "landing_to_bronze.py").read_text()
    common = (JOBS / "_common.py").read_text()
    namespace = {"__name__": "landing_to_bronze"}
    exec(source.replace("# __COMMON__", common).replace("__GENERATED__", "{}"), namespace)
    return namespace


def landing_file(name, modified_ms):
    return {
        "name": "shop/items/" + name,
        "phase": "full-load" if name.startswith("LOAD") else "cdc",
        "modified_ms": modified_ms,
        "modified": datetime.fromtimestamp(modified_ms / 1000.0, timezone.utc),
    }


def names(files):
    return [f["name"][len("shop/items/"):] for f in files]


def test_applies_the_files_not_applied_yet_when_no_full_load_file_changed(job):
    files = [landing_file("LOAD00000001.csv", T), landing_file("20240101-1.csv", T + 1)]
    batch = job["plan_batch"](files, {"shop/items/LOAD00000001.csv"},
                              {"shop/items/LOAD00000001.csv": T}, None, 15 * MINUTE)
    assert not batch["reload"]
    assert names(batch["read"]) == ["20240101-1.csv"]
    assert batch["record"] == batch["read"]


def test_rebuilds_from_the_rewritten_full_load_and_the_files_after_it_never_older_ones(job):
    load = T + 600 * MINUTE
    files = [
        landing_file("LOAD00000001.csv", load),
        landing_file("LOAD00000002.csv", T),  # stale: the reload wrote one file less
        landing_file("20240101-1.csv", T + MINUTE),
        landing_file("20240101-2.csv", load - 20 * MINUTE),
        landing_file("20240101-3.csv", load - 10 * MINUTE),
        landing_file("20240101-4.csv", load + MINUTE),
    ]
    applied = {"shop/items/" + n for n in
               ("LOAD00000001.csv", "LOAD00000002.csv", "20240101-1.csv", "20240101-3.csv")}
    full_loads = {"shop/items/LOAD00000001.csv": T, "shop/items/LOAD00000002.csv": T}
    batch = job["plan_batch"](files, applied, full_loads, None, 15 * MINUTE)
    assert batch["reload"]
    # 20240101-2 and -3 landed before the new load, which contains their changes.
    assert names(batch["read"]) == ["LOAD00000001.csv", "20240101-4.csv"]
    assert names(batch["record"]) == ["LOAD00000001.csv", "20240101-2.csv", "20240101-4.csv"]
    assert job["full_load_times"](files, applied, full_loads, batch["record"]) == {
        "shop/items/LOAD00000001.csv": load,
        "shop/items/LOAD00000002.csv": T,
    }


def test_takes_a_full_load_file_applied_before_times_were_recorded_as_the_baseline(job):
    files = [landing_file("LOAD00000001.csv", T), landing_file("20240101-1.csv", T + MINUTE)]
    applied = {"shop/items/LOAD00000001.csv"}
    batch = job["plan_batch"](files, applied, {}, None, 15 * MINUTE)
    assert not batch["reload"]
    assert names(batch["read"]) == ["20240101-1.csv"]
    assert job["full_load_times"](files, applied, {}, batch["record"]) == {
        "shop/items/LOAD00000001.csv": T,
    }
