"""A warm Spark driver for the emulator's Glue job runs.

Started once with spark-submit (the Iceberg jars and SQL extensions on its command line), it runs job
scripts one after another, each in its own SparkSession (own SQL configuration, temporary views and
catalogs) on the one SparkContext, so that a pipeline of many jobs pays the JVM start-up once.

Protocol: one JSON object per line, over the Unix socket AWS_LOCAL_DRIVER_SOCKET that the emulator
listens on (spark-submit does not pass its stdin on to the Python driver). Requests:
  {"type": "run", "id": RUN_ID, "script": PATH, "args": [...], "conf": {KEY: VALUE},
   "stdout": PATH, "stderr": PATH}
  {"type": "stop", "id": RUN_ID}
Replies (the scripts' own output goes to the run's files):
  {"type": "ready"}
  {"type": "started", "id": RUN_ID}
  {"type": "finished", "id": RUN_ID, "state": "SUCCEEDED" | "FAILED" | "STOPPED", "error": TEXT}
"""
import json
import os
import runpy
import socket
import sys
import threading
import traceback

from pyspark.sql import SparkSession

_channel = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
_channel.connect(os.environ["AWS_LOCAL_DRIVER_SOCKET"])
_requests = _channel.makefile("r", encoding="utf-8")
_replies = _channel.makefile("w", encoding="utf-8")
_reply_lock = threading.Lock()


def reply(message):
    with _reply_lock:
        _replies.write(json.dumps(message) + "\n")
        _replies.flush()


base = SparkSession.builder.getOrCreate()
base.sparkContext.setLogLevel(os.environ.get("AWS_LOCAL_SPARK_LOG_LEVEL", "WARN"))
_stop_requested = set()
_current = {}
_real_stop = SparkSession.stop


def _no_stop(self):
    # A job script may stop "its" session at the end; the context is shared by every run.
    return None


def error_text(error):
    """The message Glue would show: the JVM exception's first line, or Python's own.

    An error raised in Python code the JVM called back (Iceberg's commit callable, say) reaches us as
    a JVM exception that carries the Python traceback: its last line is the real error.
    """
    java = getattr(error, "java_exception", None)
    if java is not None:
        try:
            text = java.toString()
        except Exception:  # noqa: BLE001 - the gateway may be gone; fall back to Python's text
            text = None
        if text:
            if "Traceback (most recent call last)" in text:
                lines = [l.strip() for l in text.splitlines()
                         if l.strip() and not l.startswith((" ", "\t")) and not l.strip().startswith("at ")]
                if lines:
                    return lines[-1]
            first = text.splitlines()[0]
            root = root_cause(java)
            # Spark wraps a task's failure ("Job aborted due to stage failure … awaitResult");
            # what went wrong (a file that is no Parquet, a cast) is the innermost cause.
            return "{}; caused by: {}".format(first, root) if root and root not in first else first
    lines = traceback.format_exception_only(type(error), error)
    return "".join(lines).strip()


def root_cause(java):
    """The first line of the innermost cause of a JVM exception, or None."""
    try:
        cause, seen = java.getCause(), 0
        if cause is None:
            return None
        while cause.getCause() is not None and seen < 20:
            cause, seen = cause.getCause(), seen + 1
        return cause.toString().splitlines()[0]
    except Exception:  # noqa: BLE001 - the gateway may be gone
        return None


def last_line(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = [line.strip() for line in handle if line.strip()]
        return lines[-1] if lines else ""
    except OSError:
        return ""


def run_job(request):
    run_id = request["id"]
    session = base.newSession()
    for key, value in request.get("conf", {}).items():
        session.conf.set(key, value)
    # The script's SparkSession.builder.getOrCreate() returns this run's session.
    SparkSession._instantiatedSession = session
    SparkSession._activeSession = session
    session._jvm.SparkSession.setActiveSession(session._jsparkSession)
    session._jvm.SparkSession.setDefaultSession(session._jsparkSession)
    sc = session.sparkContext
    sc.setJobGroup(run_id, "Glue job run " + run_id, interruptOnCancel=True)
    state, error = "SUCCEEDED", None
    out = open(request["stdout"], "a", buffering=1, encoding="utf-8")
    err = open(request["stderr"], "a", buffering=1, encoding="utf-8")
    saved = (sys.stdout, sys.stderr, sys.argv)
    sys.stdout, sys.stderr = out, err
    sys.argv = [request["script"]] + list(request.get("args", []))
    try:
        runpy.run_path(request["script"], run_name="__main__")
    except SystemExit as exit_:
        code = exit_.code
        if code not in (None, 0):
            state = "FAILED"
            error = (code if isinstance(code, str) else None) or last_line(request["stderr"]) or (
                "the script exited with status {}".format(code))
    except BaseException as failure:  # noqa: BLE001 - every failure of a job is its run's result
        state = "FAILED"
        error = error_text(failure)
        traceback.print_exc(file=err)
    finally:
        sys.stdout, sys.stderr, sys.argv = saved
        out.close()
        err.close()
        sc.setLocalProperty("spark.jobGroup.id", None)
    if run_id in _stop_requested:
        state, error = "STOPPED", None
        _stop_requested.discard(run_id)
    return state, error


def worker(request):
    reply({"type": "started", "id": request["id"]})
    try:
        state, error = run_job(request)
    except BaseException as failure:  # noqa: BLE001 - a broken run must still be answered
        state, error = "FAILED", "the emulator could not run the job: " + error_text(failure)
    _current.pop(request["id"], None)
    reply({"type": "finished", "id": request["id"], "state": state, "error": error})


def main():
    SparkSession.stop = _no_stop
    reply({"type": "ready"})
    for line in _requests:
        if not line.strip():
            continue
        request = json.loads(line)
        if request["type"] == "run":
            thread = threading.Thread(target=worker, args=(request,), daemon=True)
            _current[request["id"]] = thread
            thread.start()
        elif request["type"] == "stop":
            _stop_requested.add(request["id"])
            base.sparkContext.cancelJobGroup(request["id"])
    SparkSession.stop = _real_stop
    base.stop()


if __name__ == "__main__":
    main()
