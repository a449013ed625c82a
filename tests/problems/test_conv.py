"""conv: hand-computed sizes, a feature map, pooling, parameter counts and the LeNet-5 / VGG-16
totals from the literature; follow-through and named mistakes; the NumPy fallback cross-check."""

from __future__ import annotations

import numpy as np
import pytest

import problems.types.conv as M
from problems import engine
from problems.givens import GivenError
from problems.types._conv_network import LENET5, VGG16


def solve(g):
    return {s.id: s.value for s in engine.solve(M, M.validate(g))}


def check(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


@pytest.mark.parametrize("N, F, P, S, out", [(32, 5, 0, 1, 28), (7, 3, 0, 2, 3), (227, 11, 0, 4, 55), (6, 3, 0, 2, 2), (5, 3, 1, 1, 5)])
def test_output_size_known_cases(N, F, P, S, out):
    # LeNet C1, cs231n's 7×7 example, AlexNet conv1, an uneven stride, 'same' padding
    v = solve({"variant": "output-size", "N": N, "F": F, "P": P, "S": S})
    assert v["span"] == N - F + 2 * P and v["out"] == out
    assert v["p-causal"] == F - 1 and v["p-same"] == (F - 1) // 2


def test_floor_omitted_is_diagnosed_and_stride_zero_refused():
    g = {"variant": "output-size", "N": 6, "F": 3, "P": 0, "S": 2}
    marks = check(g, {"span": 3, "out": 2.5})
    assert marks["span"].status == "correct" and marks["out"].status == "incorrect"
    assert marks["out"].diagnosis == M.MISTAKES["floor-omitted"]
    assert check(g, {"out": 3})["out"].diagnosis is None  # 3 is no known mistake here
    with pytest.raises(GivenError, match="stride 0"):
        M.validate({"variant": "output-size", "N": 6, "F": 3, "S": 0})


EDGE_X = [[1, 2, 3, 0], [4, 5, 6, 1], [7, 8, 9, 2], [0, 1, 2, 3]]


def test_edge_filter_feature_map_by_hand():
    # Y00 = −(1+2+3) + (7+8+9) = 18, Y01 = −(2+3+0) + (8+9+2) = 14,
    # Y10 = −(4+5+6) + (0+1+2) = −12, Y11 = −(5+6+1) + (1+2+3) = −6; then + b = 1
    g = {"variant": "correlate", "X": EDGE_X, "K": [[-1, -1, -1], [0, 0, 0], [1, 1, 1]], "b": 1, "P": 0, "S": 1}
    v = solve(g)
    assert v["size"] == 2 and v["Y"] == [[19, 15], [-11, -5]] and v["A"] == [[19, 15], [0, 0]]
    flipped = check(g, {"size": 2, "Y": [[-17, -13], [13, 7]]})  # true convolution = −K here
    assert flipped["Y"].diagnosis == M.MISTAKES["flipped"]
    # a student who flipped the kernel and applied ReLU to their own map: follow-through
    assert check(g, {"Y": [[-17, -13], [13, 7]], "A": [[0, 0], [13, 7]]})["A"].status == "follow-through"


def test_pooling_by_hand():
    X = [[1, 3, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]
    v = solve({"variant": "pool", "X": X, "F": 2, "S": 2, "C": 3})
    assert v["size"] == 2 and v["max"] == [[6, 8], [3, 4]] and v["min"] == [[1, 2], [1, 0]]
    assert v["avg"] == [[3.75, 5.25], [2, 2]] and v["gap"] == 52 / 16 and v["gmp"] == 8 and v["flat"] == 12
    assert check({"variant": "pool", "X": X, "F": 2, "S": 2, "C": 3}, {"flat": 4})["flat"].diagnosis == M.MISTAKES["flatten-no-channels"]


def test_parameter_counts_by_hand():
    v = solve({"variant": "params", "F": 3, "C_in": 3, "C_out": 64, "fmap": [7, 7, 64], "n_out": 128, "C_bn": 64})
    assert v == {"conv-weights": 1728, "conv": 1792, "flat": 3136, "dense": 401_536, "bn": 256, "bn-trainable": 128}


def test_lenet5_table_matches_the_literature():
    v = solve({"variant": "network", "input": LENET5[0], "layers": LENET5[1]})
    assert [v[f"shape.{l}"] for l in range(1, 9)] == [[28, 28, 6], [14, 14, 6], [10, 10, 16], [5, 5, 16], [1, 1, 120],
                                                      [120], [84], [10]]
    assert [v[f"params.{l}"] for l in range(1, 9)] == [156, 0, 2416, 0, 48_120, 0, 10_164, 850]
    assert v["total"] == 61_706


def test_vgg16_total_is_138_357_544():
    v = solve({"variant": "network", "input": VGG16[0], "layers": VGG16[1]})
    assert v["total"] == 138_357_544
    assert v["shape.19"] == [25_088] and v["params.20"] == 102_764_544 and v["params.1"] == 1792


def test_network_follow_through_from_a_forgotten_bias():
    g = {"variant": "network", "input": LENET5[0], "layers": LENET5[1]}
    marks = check(g, {"params.1": 150, "total": 61_700})
    assert marks["params.1"].status == "incorrect" and marks["params.1"].diagnosis == M.MISTAKES["bias-forgotten"]
    assert marks["total"].status == "follow-through"


def test_layers_given_as_text_and_bad_layers_refused():
    g = M.validate({"input": [28, 28, 1], "layers": "conv 8@3x3 same; maxpool 2; flatten; dense 10"})
    assert g["variant"] == "network" and g["layers"] == ["conv 8@3x3 s1 p1", "maxpool 2x2 s2", "flatten", "dense 10"]
    with pytest.raises(GivenError, match="flatten first"):
        M.validate({"input": [28, 28, 1], "layers": ["conv 8@3x3", "dense 10"]})


def test_numpy_fallback_cross_check_agrees(monkeypatch):
    monkeypatch.setattr(M, "load_torch", lambda: None)
    for variant in M.VARIANTS:
        for seed in range(4):
            ex = engine.make_exercise(M, seed, "hard", variant)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(np.array(ours[key], float), np.array(value, float), err_msg=key)
