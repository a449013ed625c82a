"""Runs hostile cases in-process for tests/hostile/harness.py: one JSON request per line on
stdin, one JSON result per line on stdout. The address space is capped first, so a case that
tries to allocate gigabytes fails here (MemoryError, or the worker dies) instead of on the host."""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import sys
import time
import warnings

limit = int(os.environ.get("CHAINRULE_HOSTILE_MEMORY", "0"))
if limit:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

sys.path.insert(0, os.getcwd())
import cli  # noqa: E402
import derive.parse  # noqa: E402,F401 - warm the imports so a case's time is its own work
import numpy  # noqa: E402,F401
import problems.engine  # noqa: E402,F401
import sympy  # noqa: E402,F401

real_stdout = sys.stdout
home = os.getcwd()
real_stdout.write("ready\n")
real_stdout.flush()

for line in sys.stdin:
    req = json.loads(line)
    out, err = io.StringIO(), io.StringIO()
    saved_env = dict(os.environ)
    os.environ.update(req.get("env") or {})
    os.chdir(req.get("cwd") or home)
    sys.stdin = io.StringIO(req.get("stdin") or "")
    start = time.process_time()  # CPU time: what the harness bounds
    rc: int | None = 0
    with warnings.catch_warnings(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        warnings.simplefilter("always")
        try:
            cli.main(req["args"])
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException as exc:  # noqa: BLE001 - report what escaped, as a traceback would
            import traceback
            err.write("Traceback (escaped cli.main)\n" + "".join(traceback.format_exception(exc)))
            rc = None
    seconds = time.process_time() - start
    os.environ.clear()
    os.environ.update(saved_env)
    os.chdir(home)
    result = {"rc": rc, "stdout": out.getvalue()[:200_000], "stderr": err.getvalue()[:20_000], "seconds": seconds}
    real_stdout.write(json.dumps(result) + "\n")
    real_stdout.flush()
