"""Issue 11: cases that could not be entered before — LeNet-5 as published, PyTorch's GRU/LSTM
bias convention, word2vec context windows that stop at sentence ends. Each expected number is
computed here by another route (the paper's connection table, torch.nn, explicit loops)."""

from __future__ import annotations

import json

import pytest

from problems import check
from tests.conftest import run_cli

LENET = ["conv 6@5x5 s1 p0", "avgpool 2x2 s2", "conv 16@5x5 s1 p0", "avgpool 2x2 s2", "conv 120@5x5 s1 p0",
         "flatten", "dense 84", "dense 10"]

# LeCun et al. 1998, Table I: which S2 maps (rows) each C3 map (columns) reads — X marks a connection
TABLE_I = ["X   XXX  XXXX XX",
           "XX   XXX  XXXX X",
           "XXX   XXX  X XXX",
           " XXX  XXXX  X XX",
           "  XXX  XXXX XX X",
           "   XXX  XXXX XXX"]


def published_lenet5() -> int:
    connections = sum(row.count("X") for row in TABLE_I)
    assert connections == 60
    layers = {"C1": 6 * (5 * 5 * 1 + 1), "S2": 6 * 2, "C3": connections * 25 + 16, "S4": 16 * 2,
              "C5": 120 * (5 * 5 * 16 + 1), "F6": 84 * (120 + 1)}
    assert layers["C3"] == 1516 and layers["C5"] == 48120 and layers["F6"] == 10164  # the paper's own figures
    return sum(layers.values())


def modern_lenet5() -> int:
    torch = pytest.importorskip("torch")
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 6, 5), torch.nn.AvgPool2d(2), torch.nn.Conv2d(6, 16, 5),
                              torch.nn.AvgPool2d(2), torch.nn.Conv2d(16, 120, 5), torch.nn.Flatten(),
                              torch.nn.Linear(120, 84), torch.nn.Linear(84, 10))
    return sum(p.numel() for p in net.parameters())


def test_lenet5_as_published_beside_the_modern_simplification():
    published, modern = published_lenet5(), modern_lenet5()
    assert published == 60000  # "about 60 000 trainable parameters"
    givens = {"variant": "network", "input": [32, 32, 1], "layers": LENET}
    answers = {"total": modern, "lenet.published": published, "lenet.difference": modern - published}
    marks = {m.id: m for m in check("conv", givens=givens, answers=answers).marks}
    assert all(marks[k].status == "correct" for k in answers), marks
    out = json.loads(run_cli("practice", "conv", "--variant", "network", "--seed", "0", "--format", "json").stdout)
    assert out  # the practice sheet still renders


def test_lenet5_key_explains_the_difference():
    from problems.engine import make_exercise
    from problems.registry import get
    ex = make_exercise(get("conv"), 0, "exam", "network", {"variant": "network", "input": [32, 32, 1], "layers": LENET})
    steps = {s.id: s for s in ex.steps}
    why = steps["lenet.difference"].because
    assert "+900" in why and "−44" in why and "+850" in why and 900 - 44 + 850 == steps["lenet.difference"].value
    assert "1516" in steps["lenet.published"].because and "fixed" in steps["lenet.published"].because


def test_other_networks_have_no_lenet_steps():
    givens = {"variant": "network", "input": [28, 28, 1], "layers": ["conv 6@3x3 s1 p0", "maxpool 2x2 s2", "flatten", "dense 10"]}
    assert not [m for m in check("conv", givens=givens).marks if m.id.startswith("lenet")]


@pytest.mark.parametrize("topic, cls", [("gru", "GRU"), ("lstm", "LSTM")])
@pytest.mark.parametrize("hidden, inputs", [(64, 10), (3, 2)])
def test_pytorch_bias_convention_counts_two_bias_vectors_per_gate(topic, cls, hidden, inputs):
    torch = pytest.importorskip("torch")
    one = getattr(torch.nn, cls)(inputs, hidden)
    both = getattr(torch.nn, cls)(inputs, hidden, bidirectional=True)
    total, bidir = sum(p.numel() for p in one.parameters()), sum(p.numel() for p in both.parameters())
    gates = 3 if topic == "gru" else 4
    givens = {"variant": "params", "hidden": hidden, "inputs": inputs, "biases": "two"}
    answers = {"per-gate": total // gates, "total": total, "bidir": bidir}
    marks = {m.id: m for m in check(topic, givens=givens, answers=answers).marks}
    assert all(marks[k].status == "correct" for k in answers), marks
    # the course's single bias: the same count is then one PyTorch bias vector too many, and named
    course = {m.id: m for m in check(topic, givens={**givens, "biases": "one"}, answers={"per-gate": total // gates}).marks}
    assert course["per-gate"].status == "incorrect" and "PyTorch" in course["per-gate"].diagnosis


def test_pytorch_bias_convention_is_stated():
    text = run_cli("check", "gru", "--variant", "params", "-g", "hidden=4", "-g", "inputs=2", "-g", "biases=two",
                   "--format", "text").stdout
    assert "Two bias vectors per gate" in text and "PyTorch" in text


W2V = {"corpus": "The cat sat on the mat. The dog ran to the park.", "stopwords": ["the", "on", "to"], "window": 2,
       "target": "dog", "W": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8], [0.9, 1.0], [1.1, 1.2]],
       "W_out": [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0.6, 0.5, 0.4, 0.3, 0.2, 0.1]]}


def per_sentence_contexts(sentences: list[list[str]], c: int) -> list[str]:
    out = []
    for words in sentences:
        for i in range(len(words)):
            out.append(" ".join(words[j] for j in range(max(0, i - c), min(len(words), i + c + 1)) if j != i))
    return out


@pytest.mark.parametrize("corpus", ["The cat sat on the mat. The dog ran to the park.", "The cat sat on the mat\nThe dog ran to the park"])
def test_word2vec_per_sentence_context_windows(corpus):
    contexts = per_sentence_contexts([["cat", "sat", "mat"], ["dog", "ran", "park"]], 2)
    answers = {f"context.{k}": c for k, c in enumerate(contexts, 1)}
    answers["pairs"] = sum(len(c.split()) for c in contexts)
    assert answers["pairs"] == 12  # 16 when the window runs across the full stop
    marks = {m.id: m for m in check("word2vec", givens={**W2V, "corpus": corpus, "windows": "sentence"}, answers=answers).marks}
    assert all(marks[k].status == "correct" for k in answers), {k: marks[k].status for k in answers}


def test_word2vec_window_across_a_sentence_end_is_named_when_contexts_are_per_sentence():
    across = per_sentence_contexts([["cat", "sat", "mat", "dog", "ran", "park"]], 2)
    marks = {m.id: m for m in check("word2vec", givens={**W2V, "windows": "sentence"}, answers={"context.3": across[2]}).marks}
    assert marks["context.3"].status == "incorrect" and "sentence" in marks["context.3"].diagnosis
    default = {m.id: m for m in check("word2vec", givens=W2V, answers={"context.3": across[2]}).marks}
    assert default["context.3"].status == "correct"  # without the option the window runs on, as before
