"""verify's torch cross-check in a worker process, so that torch's import overlaps the other work.

``import torch`` alone takes 3–4 s on the course's 2-core machine, longer than the rest of
``chainrule verify`` (SymPy, the derivation, central differences: 1.1–1.8 s); a thread cannot
overlap them (both imports hold the GIL). Inside :func:`session` a worker process
(``derive.torch_worker``) is started at once and imports torch while this process derives; the
torch autograd of each check is sent to it as a job (:meth:`Remote.submit`: the loss by reference
— a ``functools.partial`` of ``derive.torch_losses`` — and the float64 points) and collected only
when the verification is complete (``numcheck.Pending``, settled by ``derive.verify``).

The numbers are the same as in-process (the same function, ``torch_losses.gradients``, on the
same float64 points, one torch thread). When the worker cannot be started, dies, fails a job or
does not answer within :data:`WAIT_S`, the job is computed in this process instead (importing
torch here); when torch cannot be imported here either, verify ends with one line naming
``--torch``. Leaving the session kills the worker and waits for it (no zombie); the worker also
ends with this process (``PR_SET_PDEATHSIG``) and ignores Ctrl-C, which reaches this process.

Only the ``chainrule`` program uses a session (``cli.console``): it runs one command and ends. A
long-lived caller (tests, notebooks, ``derive.verify`` from a script) keeps the in-process path,
where torch is imported once and reused. ``CHAINRULE_TORCH_WORKER=off`` turns the worker off.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Callable

WAIT_S = 120.0  # longest wait for one answer (torch's import included) before computing it here
_CURRENT: ContextVar[Remote | None] = ContextVar("torch_remote", default=None)
ROOT = Path(__file__).resolve().parents[1]  # the folder holding this derive package, first on the worker's path


class WorkerGone(Exception):
    """The worker process ended or was stopped before answering."""


def current() -> Remote | None:
    """The worker of the enclosing :func:`session`, or None (compute torch gradients in-process)."""
    return _CURRENT.get()


def wanted() -> bool:
    """A worker helps when torch is installed but not yet imported here, and it is not switched off."""
    if os.environ.get("CHAINRULE_TORCH_WORKER", "").strip().lower() in ("0", "off", "no", "false"):
        return False
    if "torch" in sys.modules:
        return False
    import importlib.util
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


@contextmanager
def session(enabled: bool = True) -> Iterator[Remote | None]:
    """Within the block, torch cross-checks go to a worker process started now (when ``enabled``
    and :func:`wanted`); on leaving, the worker is killed and reaped."""
    remote = Remote.start() if enabled and wanted() else None
    try:
        with attached(remote):
            yield remote
    finally:
        if remote is not None:
            remote.stop()


@contextmanager
def attached(remote: Remote | None) -> Iterator[Remote | None]:
    """Within the block, torch cross-checks go to ``remote`` (None: in-process); it is not stopped after."""
    token = _CURRENT.set(remote)
    try:
        yield remote
    finally:
        _CURRENT.reset(token)


class Job:
    """One submitted batch: the gradients of ``loss`` with respect to ``names`` at ``points``."""

    def __init__(self, remote: Remote | None, loss: Callable[..., Any], points: list[dict[str, Any]], names: list[str],
                 future: Future[Any] | None) -> None:
        self.remote, self.loss, self.points, self.names, self.future = remote, loss, points, names, future
        self._gradients: list[dict[str, Any]] | None = None

    def gradients(self) -> list[dict[str, Any]]:
        """Per point, each name's torch gradient (waits for the worker; in-process if it fails)."""
        if self._gradients is None:
            got = self.remote.collect(self) if self.remote is not None and self.future is not None else None
            self._gradients = got if got is not None else in_process(self.loss, self.points, self.names)
        return self._gradients


def in_process(loss: Callable[..., Any], points: list[dict[str, Any]], names: list[str]) -> list[dict[str, Any]]:
    """The job computed in this process (one torch thread); a UserError naming ``--torch`` when
    torch, found installed, cannot be imported."""
    try:
        import torch  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - a broken install raises more than ImportError
        from derive.errors import UserError
        raise UserError(f"torch is installed but could not be imported ({type(exc).__name__}: {exc}); "
                        "verify with --no-torch", "--torch") from None
    from derive.torch_losses import gradients, single_torch_thread
    with single_torch_thread():
        return gradients(loss, points, names)


FLAG_OPTIONS = (("isolated", "-I"), ("ignore_environment", "-E"), ("no_user_site", "-s"),
                ("safe_path", "-P"), ("dont_write_bytecode", "-B"))


def interpreter_flags(flags: Any = sys.flags) -> list[str]:
    """The options of this interpreter that the worker must share (``-I``, ``-E``, ``-s``, ``-P``,
    ``-B``): a parent run isolated from the environment starts an isolated worker too."""
    return [option for name, option in FLAG_OPTIONS if getattr(flags, name, 0)]


class Remote:
    """This process's end of the worker: a writer thread sends jobs, a reader thread collects answers."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self._lock = threading.Lock()
        self._futures: dict[int, Future[Any]] = {}
        self._next = 0
        self._gone = False
        self._outbox: queue.Queue[bytes | None] = queue.Queue()
        threading.Thread(target=self._write, name="torch-worker-writer", daemon=True).start()
        threading.Thread(target=self._read, name="torch-worker-reader", daemon=True).start()

    @classmethod
    def start(cls) -> Remote | None:
        """Start the worker (None when it cannot be started: then everything runs in-process)."""
        code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                f"from derive.torch_worker import main; main({os.getpid()})")
        try:
            proc = subprocess.Popen([sys.executable, *interpreter_flags(), "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, close_fds=True)
        except OSError:
            return None
        return cls(proc)

    def submit(self, loss: Callable[..., Any], points: list[dict[str, Any]], names: list[str]) -> Job:
        """Send a job (not waiting for it); a loss that does not pickle is left to :func:`in_process`."""
        with self._lock:
            if self._gone:
                return Job(None, loss, points, names, None)
            job_id, self._next = self._next, self._next + 1
            try:
                payload = pickle.dumps((job_id, loss, points, names), protocol=pickle.HIGHEST_PROTOCOL)
            except (pickle.PicklingError, TypeError, AttributeError):
                return Job(None, loss, points, names, None)
            future: Future[Any] = Future()
            self._futures[job_id] = future
        self._outbox.put(payload)
        return Job(self, loss, points, names, future)

    def collect(self, job: Job) -> list[dict[str, Any]] | None:
        """The worker's answer to ``job``, or None when it failed, died or took over :data:`WAIT_S`
        (then the worker is stopped and later jobs run in-process too)."""
        assert job.future is not None
        try:
            ok, value = job.future.result(timeout=WAIT_S)
        except (FutureTimeout, WorkerGone):
            self.stop()
            return None
        return value if ok else None

    def stop(self) -> None:
        """Kill the worker and reap it; unanswered jobs fail over to in-process."""
        self._fail_all()
        self._outbox.put(None)
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def _fail_all(self) -> None:
        with self._lock:
            self._gone = True
            waiting, self._futures = list(self._futures.values()), {}
        for future in waiting:
            if not future.done():
                future.set_exception(WorkerGone())

    def _write(self) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        try:
            while (payload := self._outbox.get()) is not None:
                stdin.write(payload)
                stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            self._fail_all()
        finally:
            try:
                stdin.close()
            except (BrokenPipeError, OSError, ValueError):
                pass

    def _read(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            while True:
                job_id, ok, value = pickle.load(stdout)
                with self._lock:
                    future = self._futures.pop(job_id, None)
                if future is not None and not future.done():
                    future.set_result((ok, value))
        except Exception:  # noqa: BLE001 - EOF, a killed worker or a torn answer: every waiting job fails over
            self._fail_all()
