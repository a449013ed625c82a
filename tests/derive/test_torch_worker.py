"""verify's torch worker process (derive.torch_remote, derive.torch_worker): same numbers, clean exits.

The worker must give the torch gradients the in-process path gives, bit for bit, for every topic
(each job a topic submits is recomputed in this process and compared); it must fall back to the
in-process path when it dies or a loss cannot be sent, leave no process behind, and the
``chainrule`` program must print what an in-process run prints without importing torch itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import derive
from derive import torch_remote
from derive.numcheck import check_gradients
from derive.registry import all_topics
from tests.conftest import CLI_ENV, ROOT, run_cli

TOPICS = sorted(all_topics())
VARIANTS = [("lstm", {"form": "split", "loss": "last"}), ("gru", {"convention": "pytorch", "form": "split"}),
            ("mlp", {"matrix": True}), ("attention", {"heads": 2}), ("rnn", {"activation": "relu"})]


@pytest.fixture(scope="module")
def remote():
    """One worker for the module (its torch import is paid once), killed after."""
    worker = torch_remote.Remote.start()
    assert worker is not None
    yield worker
    worker.stop()
    assert worker.proc.returncode is not None  # reaped: no zombie, no orphan


def _recorded_jobs(remote, monkeypatch, topic, options):
    jobs = []
    submit = remote.submit

    def recording(loss, points, names):
        job = submit(loss, points, names)
        jobs.append(job)
        return job
    monkeypatch.setattr(remote, "submit", recording)
    with torch_remote.attached(remote):
        result = derive.verify(topic, options, points=1)
    return jobs, result


def _same_arrays(a, b):
    return len(a) == len(b) and all(x.keys() == y.keys() and all(
        np.asarray(x[k]).dtype == np.asarray(y[k]).dtype and np.array_equal(x[k], y[k]) for k in x) for x, y in zip(a, b))


@pytest.mark.parametrize("topic,options", [(t, {}) for t in TOPICS] + VARIANTS,
                         ids=[t for t in TOPICS] + [f"{t}-{'-'.join(map(str, o.values()))}" for t, o in VARIANTS])
def test_worker_gradients_equal_in_process(remote, monkeypatch, topic, options):
    jobs, result = _recorded_jobs(remote, monkeypatch, topic, options)
    assert jobs, f"{topic}: no torch job was sent to the worker"
    assert any("torch" in c.method for c in result.checks)
    for job in jobs:
        assert job.future is not None, f"{topic}: a loss did not pickle ({job.loss})"
        here = torch_remote.in_process(job.loss, job.points, job.names)
        assert _same_arrays(job.gradients(), here), f"{topic}: worker and in-process gradients differ"
    assert not remote._gone


def test_whole_verification_identical_with_and_without_worker(remote):
    plain = derive.verify("lstm", {"steps": 2}).to_json()
    with torch_remote.attached(remote):
        worked = derive.verify("lstm", {"steps": 2}).to_json()
    assert worked == plain


def test_dead_worker_falls_back_to_in_process():
    plain = derive.verify("gan", points=1).to_json()
    worker = torch_remote.Remote.start()
    assert worker is not None
    worker.proc.kill()
    worker.proc.wait(timeout=30)
    with torch_remote.attached(worker):
        after = derive.verify("gan", points=1).to_json()
    worker.stop()
    assert after == plain


def test_unpicklable_loss_runs_in_process(remote):
    def sample(rng):
        return {"x": rng.normal(size=3)}
    loss_np = lambda p: float(np.sum(p["x"] ** 3))  # noqa: E731
    grads = {"x": lambda p: 3 * p["x"] ** 2}
    torch_loss = lambda t: (t["x"] ** 3).sum()  # noqa: E731 - a lambda cannot be pickled
    plain = check_gradients(loss_np, grads, sample, 2, 0, torch_loss=torch_loss)
    with torch_remote.attached(remote):
        from derive.numcheck import settle
        sent = settle(check_gradients(loss_np, grads, sample, 2, 0, torch_loss=torch_loss))
    assert sent == plain and len(plain) == 2


def test_stopped_worker_is_reaped_at_once():
    worker = torch_remote.Remote.start()
    assert worker is not None
    worker.stop()  # while it is still importing torch
    assert worker.proc.returncode is not None


def test_no_worker_when_off_or_torch_already_here(monkeypatch):
    """--no-torch (enabled=False), torch already imported in this process, or the switch: no worker."""
    with torch_remote.session(enabled=False) as r:
        assert r is None
    assert "torch" in sys.modules  # imported by this module
    with torch_remote.session() as r:
        assert r is None
    monkeypatch.setenv("CHAINRULE_TORCH_WORKER", "off")
    assert not torch_remote.wanted()


def test_program_output_equals_in_process_and_parent_never_imports_torch():
    """``chainrule verify`` as a program (worker) prints what the in-process run prints; the parent
    process itself never imports torch (the worker does)."""
    args = ["verify", "mlp", "--points", "1", "--format", "json"]
    script = ("import sys, os\n"
              "sys.argv = ['chainrule', *sys.argv[1:]]\n"
              "import cli\n"
              "real_exit = os._exit\n"
              "def report(status):\n"
              "    sys.stderr.write('TORCH-IN-PARENT=%s\\n' % ('torch' in sys.modules)); sys.stderr.flush()\n"
              "    real_exit(status)\n"
              "os._exit = report\n"
              "cli.console()\n")
    env = {**os.environ, **CLI_ENV}
    env.pop("CHAINRULE_TORCH_WORKER", None)
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=600,
                          cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    assert "TORCH-IN-PARENT=False" in done.stderr
    here = run_cli(*args)
    assert json.loads(done.stdout) == json.loads(here.stdout)
    assert done.stdout == here.stdout


def test_worker_dying_after_a_job_was_sent_falls_back():
    from derive import torch_losses as TL
    from derive.numcheck import Pending, settle

    def sample(rng):
        return {"o": rng.normal(size=3), "t": rng.normal(size=3)}
    loss_np = lambda p: 0.5 * float(np.sum((p["t"] - p["o"]) ** 2))  # noqa: E731
    grads = {"o": lambda p: p["o"] - p["t"]}
    plain = check_gradients(loss_np, grads, sample, 2, 0, torch_loss=TL.bound(TL.mse_half))
    worker = torch_remote.Remote.start()
    assert worker is not None
    with torch_remote.attached(worker):
        sent = check_gradients(loss_np, grads, sample, 2, 0, torch_loss=TL.bound(TL.mse_half))
    assert any(isinstance(c.max_rel_error, Pending) for c in sent)
    worker.proc.kill()
    assert settle(sent) == plain
    worker.stop()
    assert worker.proc.returncode is not None


def test_worker_shares_the_parents_isolation_flags(monkeypatch):
    """A parent run with -I/-E/-s/-P/-B starts its worker with the same options (and no others)."""
    from types import SimpleNamespace
    flags = SimpleNamespace(isolated=1, ignore_environment=1, no_user_site=0, safe_path=0, dont_write_bytecode=1)
    assert torch_remote.interpreter_flags(flags) == ["-I", "-E", "-B"]
    assert torch_remote.interpreter_flags(SimpleNamespace()) == []
    seen = []

    def refuse(argv, **kwargs):
        seen.append(argv)
        raise OSError("not started in this test")
    monkeypatch.setattr(torch_remote, "interpreter_flags", lambda: ["-I", "-E"])
    monkeypatch.setattr(torch_remote.subprocess, "Popen", refuse)
    assert torch_remote.Remote.start() is None                     # a worker that cannot start: in-process
    assert seen and seen[0][:4] == [sys.executable, "-I", "-E", "-c"]
