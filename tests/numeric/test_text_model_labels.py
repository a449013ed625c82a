"""``train lstm --text``: every figure says what it is (train or test, per character, nats or
bits), so the history and the final figure can be compared (issue 14.5)."""

from __future__ import annotations

import json
import math

import pytest

from tests.conftest import run_cli

TEXT = "the quick brown fox jumps over the lazy dog. " * 40


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    path = tmp_path_factory.mktemp("text") / "corpus.txt"
    path.write_text(TEXT, encoding="utf-8")
    args = ("train", "lstm", "--text", str(path), "--steps", "12", "--set", "sample_len=20")
    return run_cli(*args, "--format", "text"), run_cli(*args, "--format", "json")


def test_history_columns_say_train_batch_per_character_in_nats_and_bits(runs):
    text, _ = runs
    assert text.returncode == 0, text.stderr
    header = next(line for line in text.stdout.splitlines() if line.startswith("step"))
    assert "train loss per char (nats, batch)" in header and "train bits per char (batch)" in header
    rows = [line.split() for line in text.stdout.split(header, 1)[1].splitlines()[2:] if line.strip()]
    rows = [r for r in rows if r and r[0].isdigit()]
    assert rows
    for step, nats, bits in rows:  # bits per character = nats / ln 2, row by row
        assert float(bits) == pytest.approx(float(nats) / math.log(2), rel=1e-4), step


def test_final_figures_are_labelled_and_in_the_same_units(runs):
    text, data = runs
    notes = " ".join(line for line in text.stdout.splitlines() if line.startswith("- "))
    assert "per character" in notes and "training text" in notes and "no test split" in notes
    assert "training minibatch" in notes
    metrics = json.loads(data.stdout)  # the metrics are top-level keys
    assert metrics["bits_per_char"] == pytest.approx(metrics["loss"] / math.log(2), rel=1e-4)
    # a model that learned something beats the uniform guess over the text's distinct characters
    assert metrics["loss"] < math.log(len(set(TEXT)))
