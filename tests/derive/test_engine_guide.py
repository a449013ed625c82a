"""The worked example in docs/derive.md ("How to add a derivation topic") runs and is right."""

from __future__ import annotations

import re
import types

import numpy as np
import pytest

from derive.printing.math import to_text
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def topic():
    text = (ROOT / "docs" / "derive.md").read_text(encoding="utf-8")
    guide = text[text.index("## How to add a derivation topic"):]
    code = re.search(r"```python\n(.*?)```", guide, re.S).group(1)
    module = types.ModuleType("guide_topic")
    exec(compile(code, "docs/derive.md", "exec"), module.__dict__)  # our own documentation, not user input
    return module


def test_guide_topic_has_the_topic_contract(topic):
    assert topic.NAME and topic.SUMMARY and topic.OPTIONS
    doc = topic.derive(topic.OPTIONS)
    steps = {s.id: s for s in doc.steps}
    assert to_text(steps["dL_ds"].formula) == "softmax(s) - y"
    assert to_text(steps["dL_dW"].formula) == "xᵀ δ" and steps["dL_dW"].shape == (2, 3)


def test_guide_topic_evaluates_and_verifies(topic):
    doc = topic.derive(topic.OPTIONS, {}, 4)
    p = np.array(doc.results and {s.id: s for s in doc.steps}["p"].value)
    assert p.shape == (1, 3) and abs(p.sum() - 1) < 1e-9
    v = topic.verify({"classes": 4, "features": 3}, seed=1, points=2)
    assert v.passed and {c.parameter for c in v.checks} == {"W", "b"}
