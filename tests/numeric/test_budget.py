"""Issue 12 item 5: a run's memory and work are estimated from its options before anything is
allocated, and a run above the budget is refused (exit 2) naming the option; the character
vocabulary of ``--text`` is capped."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import numeric
from derive.errors import UserError
from derive.options import resolve
from numeric import budget
from numeric.datasets import text as text_data
from numeric.registry import all_models, get
from tests.conftest import run_cli

GiB = 2**30


@pytest.mark.parametrize(("args", "arg", "what"), [
    (["gan", "--hidden", "100000"], "--hidden", "GiB of memory"),
    (["attention", "--set", "vocab=100000"], "--set vocab", "GiB of memory"),
    (["som", "--set", "rows=1500", "--set", "cols=1500"], "--set rows", "TiB of memory"),
    (["lstm", "--set", "train_size=1000000"], "--set train_size", "multiply-adds"),
    (["mlp", "--epochs", "1000000"], "--epochs", "multiply-adds"),
    (["lstm", "--hidden", "4096", "--batch-size", "100000"], "--batch-size", "of memory"),
])
def test_issue_examples_are_refused_before_allocating(args, arg, what):
    tracemalloc.start()
    out = run_cli("train", *args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert out.returncode == 2, out.stdout[-300:]
    assert out.stderr.startswith(f"chainrule: error: {arg}: training ") and what in out.stderr
    assert out.stderr.count("\n") == 1
    assert peak < 200 * 2**20  # refused from the configuration, not after building the model


@pytest.mark.parametrize("name", sorted(all_models()))
def test_defaults_are_well_inside_the_budget(name):
    est = budget.check(name, resolve(get(name), {}), {})
    assert est is not None and est.memory < GiB / 4 and est.work < budget.DEFAULT_WORK / 100


# configurations large enough that the model's arrays dominate tracemalloc's peak
MEASURED = [
    ("som", {"rows": 40, "cols": 40, "steps": 50}),
    ("gan", {"hidden": 512, "steps": 3, "batch_size": 512}),
    ("attention", {"vocab": 2000, "hidden": 64, "steps": 2, "train_size": 256, "test_size": 512}),
    ("lstm", {"hidden": 256, "steps": 2, "train_size": 256, "test_size": 512}),
    ("gru", {"hidden": 300, "steps": 2, "seq_len": 200, "test_size": 16}),
    ("mlp", {"hidden": 4096, "epochs": 1}),
    ("autoencoder", {"hidden": 2048, "code": 512, "epochs": 1}),
]


@pytest.mark.parametrize(("name", "options"), MEASURED, ids=[m for m, _ in MEASURED])
def test_the_estimate_bounds_the_measured_peak(name, options):
    est = budget.ESTIMATORS[name](resolve(get(name), options)).memory + budget.BASE
    tracemalloc.start()
    numeric.train(name, options)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak <= est <= 6 * peak + budget.BASE, (peak / 2**20, est / 2**20)


def test_environment_raises_or_lowers_the_budgets(monkeypatch):
    big_som = {"rows": 100, "cols": 100}                      # 10,000 nodes: a K × K grid of 0.8 GB, held 5 times
    with pytest.raises(UserError) as err:
        budget.check("som", resolve(get("som"), big_som), big_som)
    assert err.value.arg == "--set rows" and "CHAINRULE_MEMORY_BUDGET" in str(err.value)
    monkeypatch.setenv(budget.MEMORY_ENV, "8GiB")
    assert budget.check("som", resolve(get("som"), big_som), big_som).memory < 8 * GiB
    monkeypatch.setenv(budget.WORK_ENV, "1000")
    out = run_cli("train", "xor")
    assert out.returncode == 2 and out.stderr.startswith("chainrule: error: --epochs: training xor would take about")
    monkeypatch.setenv(budget.WORK_ENV, "lots")
    out = run_cli("train", "xor")
    assert out.stderr == ("chainrule: error: CHAINRULE_WORK_BUDGET: expected a positive number such as 4GiB or 1e14, "
                          "got 'lots'\n")


@pytest.mark.parametrize(("text", "value"), [("4GiB", 4 * GiB), ("500MB", 5e8), ("1e14", 1e14), ("2k", 2000), ("3 MiB", 3 * 2**20)])
def test_budget_units(text, value):
    assert budget._units(text, "E") == value


# --- the character vocabulary -----------------------------------------------------------------

def test_vocabulary_keeps_the_most_frequent_characters():
    rare = "".join(chr(0x4E00 + i) for i in range(400))      # 400 characters seen once
    text = "ab" * 500 + "c" * 300 + rare
    vocab = text_data.vocabulary(text, cap=10)
    assert len(vocab) == 10 and text_data.UNKNOWN in vocab
    assert {"a", "b", "c"} <= set(vocab)
    assert vocab == "".join(sorted(vocab))
    ids, _ = text_data.encode(text, vocab)
    unknown = vocab.index(text_data.UNKNOWN)
    kept = set(vocab) - {text_data.UNKNOWN}
    assert all((vocab[i] == c) if c in kept else (i == unknown) for i, c in zip(ids.tolist(), text))
    assert text_data.unknown_share(text, vocab) == (400 - 6, 400 - 6)


def test_a_small_vocabulary_is_the_sorted_character_set():
    zen = text_data.zen_of_python()
    assert text_data.vocabulary(zen) == "".join(sorted(set(zen)))


def test_twenty_thousand_distinct_characters_train_in_little_memory(tmp_path):
    rng = np.random.default_rng(0)
    common = [chr(c) for c in range(0x4E00, 0x4E00 + 300)]
    text = "".join(chr(0x4E00 + i) for i in range(20_000)) + "".join(rng.choice(common, 20_000))
    path = tmp_path / "wide.txt"
    path.write_text(text, encoding="utf-8")
    assert 100_000 < path.stat().st_size < 130_000
    tracemalloc.start()
    report = numeric.train("lstm", {"text": str(path), "steps": 3})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report.metrics["vocab"] == text_data.MAX_VOCAB
    assert peak < 400 * 2**20
    assert any("read as the unknown symbol" in n and "20000 distinct" in n for n in report.notes)


@pytest.mark.parametrize("name", sorted(all_models()))
def test_every_option_at_its_bounds_is_estimated_or_refused_cleanly(name):
    from numeric import bounds
    module = get(name)
    for key in module.OPTIONS:
        b = bounds.bound(name, key)
        for value in (((b.low, b.high) if not b.low_open else (min(b.high, b.low + 1e-9), b.high)) if b is not None else ()):
            supplied = bounds.check(name, {key: value})
            try:
                est = budget.check(name, {**resolve(module, {}), **supplied}, supplied, module.OPTIONS)
            except UserError as exc:
                assert exc.arg.startswith("--") and "training" in str(exc)
            else:
                assert est.memory > 0 and est.work >= 0
