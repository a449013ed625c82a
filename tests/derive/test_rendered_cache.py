"""The rendered-derivation cache (``derive.rendered_cache``): a cached ``chainrule derive`` prints
byte for byte what a fresh one prints, without importing SymPy or NumPy; another request, other
code, a damaged or foreign entry or a failed run are never served from it; it stays bounded and
a folder that cannot be written leaves the command working."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from derive import rendered_cache
from derive.errors import UserError
from tests.conftest import CLI_ENV, ROOT, run_cli

PROBE = ("import sys, atexit\n"
         "atexit.register(lambda: sys.stderr.write('\\nimported:' + ','.join(sorted(m for m in ('sympy', 'numpy', 'scipy', 'torch') if m in sys.modules))))\n"
         "import cli\ncli.main(sys.argv[1:])\n")


def _run(cache: object, *args: str) -> tuple[str, list[str]]:
    """``chainrule ARGS`` in a fresh interpreter with the cache folder ``cache``: (stdout, heavy modules imported)."""
    env = {**os.environ, **CLI_ENV, "CHAINRULE_CACHE": str(cache)}
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    imported = proc.stderr.rsplit("imported:", 1)[1].strip()
    return proc.stdout, [m for m in imported.split(",") if m]


@pytest.mark.parametrize("args", [("derive", "lstm", "--steps", "2"),
                                  ("derive", "mlp", "--set", "preset=mazur", "--format", "markdown"),
                                  ("derive", "attention", "--values", "--seed", "3", "--format", "json"),
                                  ("derive", "activations", "--format", "latex")])
def test_a_cached_derivation_is_the_fresh_one_without_sympy(args, tmp_path):
    fresh = run_cli(*args)
    assert fresh.returncode == 0, fresh.stderr
    first, first_imports = _run(tmp_path / "cache", *args)
    second, second_imports = _run(tmp_path / "cache", *args)
    assert first == fresh.stdout and second == fresh.stdout
    assert "sympy" in first_imports  # the first run derived it
    assert second_imports == []  # the second printed it from the cache
    assert len(list((tmp_path / "cache" / rendered_cache.FOLDER).rglob("*.json"))) == 1


def test_another_request_is_derived_afresh(tmp_path):
    cache = tmp_path / "cache"
    _run(cache, "derive", "rnn", "--steps", "2")
    out, imports = _run(cache, "derive", "rnn", "--steps", "3")
    assert "sympy" in imports and out == run_cli("derive", "rnn", "--steps", "3").stdout
    out, imports = _run(cache, "derive", "rnn", "--steps", "3", "--format", "json")
    assert "sympy" in imports and json.loads(out)["topic"] == "rnn"
    assert len(list(cache.rglob("*.json"))) == 3


@pytest.fixture()
def cache_on(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINRULE_CACHE", str(tmp_path / "cache"))
    yield tmp_path / "cache"


def _counted(text: str, calls: list[int]):
    return lambda: calls.append(1) or text


def test_what_is_served_is_what_was_stored_under_that_key(cache_on):
    calls: list[int] = []
    assert rendered_cache.rendered({"topic": "x"}, _counted("∂L/∂W = δ·hᵀ\n", calls)) == "∂L/∂W = δ·hᵀ\n"
    assert rendered_cache.rendered({"topic": "x"}, _counted("other", calls)) == "∂L/∂W = δ·hᵀ\n"
    assert calls == [1]
    assert rendered_cache.rendered({"topic": "y"}, _counted("y", calls)) == "y" and calls == [1, 1]


def test_a_damaged_or_foreign_entry_is_ignored_and_replaced(cache_on):
    calls: list[int] = []
    rendered_cache.rendered({"topic": "x"}, _counted("good", calls))
    (path,) = cache_on.rglob("*.json")
    for bad in ("{not json", json.dumps({"key": "another request", "text": "wrong"}), json.dumps([1, 2]),
                json.dumps({"key": rendered_cache.request_key({"topic": "x"}), "text": 5})):
        path.write_text(bad)
        assert rendered_cache.rendered({"topic": "x"}, _counted("good", calls)) == "good"
        assert json.loads(path.read_text())["text"] == "good"
    assert len(calls) == 5


def test_other_code_uses_another_folder_and_removes_the_old_one(cache_on, monkeypatch):
    calls: list[int] = []
    rendered_cache.rendered({"topic": "x"}, _counted("old code", calls))
    (old,) = (cache_on / rendered_cache.FOLDER).iterdir()
    monkeypatch.setattr(rendered_cache, "code_fingerprint", lambda: "e" * 64)
    assert rendered_cache.rendered({"topic": "x"}, _counted("new code", calls)) == "new code"
    assert not old.exists() and [p.name for p in (cache_on / rendered_cache.FOLDER).iterdir()] == ["e" * 24]


def test_the_fingerprint_covers_the_code(tmp_path, monkeypatch):
    before = rendered_cache.code_fingerprint()
    (tmp_path / "derive").mkdir()
    (tmp_path / "problems").mkdir()
    (tmp_path / "cli.py").write_text("x = 1\n")
    rendered_cache.code_fingerprint.cache_clear()
    monkeypatch.setattr(rendered_cache, "ROOT", tmp_path)
    try:
        one = rendered_cache.code_fingerprint()
        rendered_cache.code_fingerprint.cache_clear()
        (tmp_path / "derive" / "steps.py").write_text("y = 2\n")
        two = rendered_cache.code_fingerprint()
    finally:
        rendered_cache.code_fingerprint.cache_clear()
    assert len({before, one, two}) == 3


def test_a_failed_run_is_not_recorded(cache_on):
    def fail() -> str:
        raise UserError("expected a number", "--given")
    with pytest.raises(UserError):
        rendered_cache.rendered({"topic": "x"}, fail)
    assert not list(cache_on.rglob("*.json"))
    out = run_cli("derive", "mlp", "--given", "w1=1e300")
    assert out.returncode == 2 and not list(cache_on.rglob("*.json"))


def test_entries_are_bounded(cache_on, monkeypatch):
    monkeypatch.setattr(rendered_cache, "MAX_ENTRIES", 3)
    for k in range(5):
        rendered_cache.rendered({"topic": k}, lambda k=k: f"text {k}")
        os.utime(next(p for p in cache_on.rglob("*.json") if f"text {k}" in p.read_text()), ns=(k, k * 10**9))
    assert sorted(json.loads(p.read_text())["text"] for p in cache_on.rglob("*.json")) == ["text 2", "text 3", "text 4"]
    monkeypatch.setattr(rendered_cache, "MAX_ENTRY_BYTES", 100)
    assert rendered_cache.rendered({"topic": "big"}, lambda: "x" * 200) == "x" * 200
    assert len(list(cache_on.rglob("*.json"))) == 3  # too large to keep


def test_an_unwritable_folder_leaves_the_command_working(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CHAINRULE_CACHE", str(blocker))
    out = run_cli("derive", "lstm", "--steps", "2")
    monkeypatch.setenv("CHAINRULE_CACHE", "off")
    assert out.returncode == 0 and out.stdout == run_cli("derive", "lstm", "--steps", "2").stdout


def test_the_cache_can_be_off(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINRULE_CACHE", "off")
    calls: list[int] = []
    for _ in range(2):
        rendered_cache.rendered({"topic": "x"}, _counted("t", calls))
    assert calls == [1, 1] and not list(tmp_path.rglob("*.json"))


def test_rich_output_on_a_terminal_is_cached_as_the_console_writes_it(tmp_path):
    """``rich`` is the default on a terminal, where the printer makes a renderable, not text: the
    first cached run crashed on it (TypeError, a traceback). The cache keeps what the console
    writes, per console width, and a cached run prints the fresh bytes."""
    args = ("derive", "vae", "--format", "rich")
    fresh = run_cli(*args)  # cache off (conftest)
    assert fresh.returncode == 0 and "KL" in fresh.stdout
    first, first_imports = _run(tmp_path / "cache", *args)
    second, second_imports = _run(tmp_path / "cache", *args)
    assert first == fresh.stdout and second == fresh.stdout
    assert "sympy" in first_imports and second_imports == []
    env = {**os.environ, **CLI_ENV, "CHAINRULE_CACHE": str(tmp_path / "cache"), "COLUMNS": "90"}
    narrow = subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, env=env, cwd=ROOT,
                            timeout=300)
    assert narrow.returncode == 0 and narrow.stdout != first  # another width is rendered afresh, not served
    env["CHAINRULE_CACHE"] = "off"
    uncached = subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, env=env, cwd=ROOT,
                              timeout=300)
    assert narrow.stdout == uncached.stdout
