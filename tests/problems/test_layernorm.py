"""layernorm: layer, instance and group norm worked by hand, group norm's two limits (G = 1 is
layer norm over C, H, W; G = C is instance norm), follow-through, named mistakes, and the
cross-check without torch."""

from __future__ import annotations

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get
from problems.types import _layernorm_axes
from tests.problems.printed_reports import assert_report_printed

M = get("layernorm")
LAYER = {"variant": "layer", "x": [[1, 2, 3, 6], [0, 4, 4, 0]], "gamma": [1, 1, 1, 1], "beta": [0, 0, 0, 0], "eps": 0}
INST = {"variant": "instance", "x": [[1, 3, 1, 3], [0, 0, 2, 6]], "hw": [2, 2], "gamma": [2, 1], "beta": [0, 1], "eps": 0}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_layer_norm_by_hand():
    # row 1: μ = 3, deviations −2 −1 0 3, σ² = 14/4; row 2: μ = 2, deviations ±2, σ² = 4
    v = values(LAYER)
    assert v["axes"] == "D" and v["count"] == 4 and v["mu"] == [3, 2] and v["var"] == [3.5, 4]
    assert v["xhat"][0] == pytest.approx([-1.069045, -0.534522, 0, 1.603567], abs=1e-6)
    assert v["xhat"][1] == [-1, 1, 1, -1] and v["y"] == v["xhat"]


def test_instance_norm_by_hand():
    # channel 1: μ 2, σ² 1, y = 2x̂; channel 2: μ 2, σ² (4 + 4 + 0 + 16)/4 = 6, y = x̂ + 1
    v = values(INST)
    assert v["axes"] == "H W" and v["count"] == 4 and v["mu"] == [2, 2] and v["var"] == [1, 6]
    assert v["y"][0] == [-2, 2, -2, 2]
    assert v["y"][1] == pytest.approx([1 - 0.816497, 1 - 0.816497, 1, 1 + 1.632993], abs=1e-6)


def test_group_norm_between_layer_and_instance():
    inst = values(INST)
    per_channel = values({**INST, "variant": "group", "groups": 2})  # G = C: instance norm
    assert per_channel["xhat"] == inst["xhat"] and per_channel["count"] == 4
    whole = values({**INST, "variant": "group", "groups": 1})  # G = 1: layer norm over C, H, W
    assert whole["count"] == 8 and whole["mu"] == [2] and whole["var"] == [3.5]  # (1+1+1+1+4+4+0+16)/8


def test_follow_through_and_named_mistakes():
    assert marks(LAYER, {"axes": "N"})["axes"].diagnosis == M.MISTAKES["batch-axes"]
    assert marks(LAYER, {"count": 2})["count"].diagnosis == M.MISTAKES["batch-axes"]
    assert marks(INST, {"axes": "(c, h, w)"})["axes"].diagnosis == M.MISTAKES["layer-axes"]
    assert marks(INST, {"axes": "(h, w)"})["axes"].status == "correct"
    assert marks(LAYER, {"var": [14 / 3, 16 / 3]})["var"].diagnosis == M.MISTAKES["n-minus-1"]
    m = marks(LAYER, {"mu": [3, 2.5], "var": [3.5, 4.25]})  # μ₂ wrong, σ² computed from it
    assert m["mu"].status == "incorrect" and m["var"].status == "follow-through"


def test_cross_check_without_torch(monkeypatch):
    monkeypatch.setattr(_layernorm_axes, "load_torch", lambda: None)
    for seed in range(6):
        for variant in M.VARIANTS:
            for difficulty in ("exam", "hard"):
                ex = engine.make_exercise(M, seed, difficulty, variant)
                ours = {s.id: s.value for s in ex.steps}
                for key, value in M.cross_check(ex.givens).items():
                    np.testing.assert_allclose(np.array(ours[key], float), np.array(value, float), rtol=1e-9, atol=1e-9,
                                               err_msg=f"{seed} {variant} {key}")


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({**INST, "variant": "group", "groups": 3})  # 3 does not divide C = 2
    with pytest.raises(GivenError):
        M.validate({**INST, "hw": [3, 2]})
    with pytest.raises(GivenError):
        M.validate({**LAYER, "x": [[1, 1, 1, 1], [0, 4, 4, 0]]})  # zero variance with ε = 0


def test_several_samples_are_written_as_rows_so_checks_print():
    from derive.printing import render
    g = {"variant": "group", "x": [[[1, 3], [0, 2]], [[4, 4], [0, 8]]], "hw": [1, 2], "groups": 1, "eps": 0}
    v = values(g)
    assert np.array(v["xhat"]).shape == (4, 2) and np.array(v["mu"]).shape == (2, 1)  # N·C rows; one statistic per sample
    assert v["mu"] == [[1.5], [4]] and v["xhat"][2] == [0, 0]
    wrong = np.array(v["y"])
    wrong[3, 1] += 1
    report = engine.check(M, g, {"y": wrong.tolist()})
    assert {m.id: m.status for m in report.marks}["y"] == "incorrect"
    for fmt in ("latex", "markdown", "text"):
        assert_report_printed(report, render(report, fmt), fmt)
