"""SOM: hand-computed examples (winner only, Gaussian and radius neighbourhoods, a schedule),
the direct NumPy computation over 200 seeds, ties at hard, and the diagnoses beyond replay."""

from __future__ import annotations

import math

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get

SOM = get("som")


def values(givens):
    return {s.id: s.value for s in engine.make_exercise(SOM, 0, givens=givens).steps}


def marks(givens, answers):
    return {m.id: m for m in engine.check(SOM, givens, answers).marks}


def test_winner_only_by_hand_with_a_tie():
    # d² = 0.3² + 0.1² = 0.10 for both units: the tie goes to unit 1, which moves halfway to x.
    v = values({"weights": [[0.2, 0.6], [0.8, 0.4]], "x": [[0.5, 0.5]], "lr": 0.5})
    assert list(v) == ["d2.1", "winner.1", "weights.1"]  # the skeleton's step ids, unchanged
    np.testing.assert_allclose(v["d2.1"], [0.10, 0.10])
    assert v["winner.1"] == 1
    np.testing.assert_allclose(v["weights.1"], [[0.35, 0.55], [0.8, 0.4]])


def test_picking_the_higher_unit_in_a_tie_is_named_and_carried_forward():
    g = {"weights": [[0.2, 0.6], [0.8, 0.4]], "x": [[0.5, 0.5]], "lr": 0.5}
    out = marks(g, {"d2.1": "[0.1, 0.1]", "winner.1": "2", "weights.1": "[[0.2, 0.6], [0.65, 0.45]]"})
    assert out["winner.1"].status == "incorrect"
    assert out["winner.1"].diagnosis.startswith("tie broken towards the higher unit")
    assert out["weights.1"].status == "follow-through"


def test_gaussian_neighbourhood_on_a_line_by_hand():
    g = {"weights": [[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]], "x": [[0.9, 0.8]], "lr": 0.5,
         "neighbourhood": "gauss", "sigma": 1.0}
    v = values(g)
    assert list(v) == ["d2.1", "winner.1", "r2.1", "h.1", "weights.1"]
    np.testing.assert_allclose(v["d2.1"], [0.81 + 0.64, 0.16 + 0.09, 0.01 + 0.04])
    assert v["winner.1"] == 3
    np.testing.assert_allclose(v["r2.1"], [4, 1, 0])
    h = [math.exp(-2), math.exp(-0.5), 1.0]
    np.testing.assert_allclose(v["h.1"], h)
    want = [[0.5 * h[0] * 0.9, 0.5 * h[0] * 0.8], [0.5 + 0.5 * h[1] * 0.4, 0.5 + 0.5 * h[1] * 0.3], [0.95, 0.9]]
    np.testing.assert_allclose(v["weights.1"], want)


def test_radius_neighbourhood_on_a_2x2_grid_by_hand():
    g = {"weights": [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], "x": [[0.9, 0.9]], "lr": 0.5,
         "neighbourhood": "radius", "radius": 1, "grid": [2, 2]}
    v = values(g)
    assert v["winner.1"] == 4
    np.testing.assert_allclose(v["r2.1"], [2, 1, 1, 0])  # unit 1 is diagonal: r = √2 > 1
    np.testing.assert_allclose(v["h.1"], [0, 1, 1, 1])
    np.testing.assert_allclose(v["weights.1"], [[0, 0], [0.45, 0.95], [0.95, 0.45], [0.95, 0.95]])


def test_learning_rate_schedule_by_hand():
    g = {"weights": [[0.0], [1.0]], "x": [[0.8]], "lr": 0.5, "epochs": 2, "lr_decay": 0.5}
    v = values(g)
    assert list(v) == ["d2.1", "winner.1", "weights.1", "lr.2", "d2.2", "winner.2", "weights.2"]
    assert v["lr.2"] == 0.25
    np.testing.assert_allclose(v["weights.1"], [[0.0], [0.9]])
    np.testing.assert_allclose(v["d2.2"], [0.64, 0.01])
    np.testing.assert_allclose(v["weights.2"], [[0.0], [0.875]])
    out = marks(g, {"lr.2": "0.5", "weights.2": "[[0], [0.85]]"})
    assert out["lr.2"].diagnosis.startswith("learning-rate schedule ignored")
    assert out["weights.2"].status == "follow-through"


@pytest.mark.parametrize("variant, difficulty, seeds", [
    (None, "exam", 200), (None, "hard", 60), ("neighbourhood", "exam", 60), ("epochs", "exam", 40), ("full", "hard", 40)])
def test_solver_agrees_with_a_direct_numpy_som(variant, difficulty, seeds):
    for seed in range(seeds):
        ex = engine.make_exercise(SOM, seed, difficulty, variant)
        ours = {s.id: s.value for s in ex.steps}
        direct = SOM.cross_check(ex.givens)
        assert set(direct) == set(ours), seed
        for key, value in direct.items():
            np.testing.assert_allclose(ours[key], value, rtol=1e-9, atol=1e-12, err_msg=f"som@{seed} {key}")


def test_exam_exercises_have_clear_winners_and_hard_ones_include_ties():
    def gaps(ex):
        return [np.diff(np.sort(s.value)[:2])[0] for s in ex.steps if s.id.startswith("d2.")]
    assert all(min(gaps(engine.make_exercise(SOM, s, "exam"))) >= 0.05 - 1e-9 for s in range(30))
    ties = sum(min(gaps(engine.make_exercise(SOM, s, "hard"))) < 1e-9 for s in range(30))
    assert ties >= 8, ties


GIVENS = {"weights": [[0.1, 0.8, 0.9], [0.6, 0.0, 0.1], [0.3, 0.4, 0.6], [0.5, 0.2, 0.1]],
          "x": [[0.7, 0.8, 0.0], [0.1, 0.4, 0.4]], "lr": 0.2}


def test_by_hand_d2_and_a_wrong_winner_is_explained():
    v = values(GIVENS)
    np.testing.assert_allclose(v["d2.1"], [1.17, 0.66, 0.68, 0.41])
    m = marks(GIVENS, {"winner.1": "2"})["winner.1"]
    assert m.diagnosis.startswith("wrong winner: the chosen unit does not have the smallest")
    assert "unit 2" in m.diagnosis and "unit 4" in m.diagnosis


def test_swapped_components_are_named():
    # unit 3 computed with x = (0.8, 0.7, 0): 0.25 + 0.09 + 0.36 = 0.70 instead of 0.68
    m = marks(GIVENS, {"d2.1": "[1.17, 0.66, 0.70, 0.41]"})["d2.1"]
    assert m.status == "incorrect" and m.elements == ["correct", "correct", "incorrect", "correct"]
    assert m.diagnosis.startswith("components miscopied") and "unit 3" in m.diagnosis


def test_rows_copied_differently_and_a_frozen_winner_are_named():
    frozen = marks(GIVENS, {"weights.1": str(GIVENS["weights"])})["weights.1"]
    assert frozen.diagnosis.startswith("the winner's row was not updated") and "unit 4" in frozen.diagnosis
    typo = [[0.1, 0.8, 0.9], [0.6, 0.1, 0.1], [0.3, 0.4, 0.6], [0.54, 0.32, 0.08]]
    m = marks(GIVENS, {"weights.1": str(typo)})["weights.1"]
    assert m.diagnosis.startswith("weight matrix copied differently") and "unit 2" in m.diagnosis
    assert m.elements[1] == ["correct", "incorrect", "correct"]


def test_stale_weights_in_the_second_sample_are_named():
    # d2.2 from the initial weights: unit 4 = (0.4² + 0.2² + 0.3²) = 0.29 instead of 0.3024
    m = marks(GIVENS, {"d2.2": "[0.41, 0.5, 0.08, 0.29]"})["d2.2"]
    assert m.diagnosis.startswith("weights not carried over")


@pytest.mark.parametrize("givens, key", [
    ({**GIVENS, "neighbourhood": "gauss", "grid": [3, 3]}, "grid"),
    ({**GIVENS, "neighbourhood": "ring"}, "neighbourhood"),
    ({**GIVENS, "epochs": 0}, "epochs"),
    ({**GIVENS, "lr": 0}, "lr"),
    ({**GIVENS, "x": [[0.1, 0.2]]}, "x"),
])
def test_bad_givens_name_the_key(givens, key):
    with pytest.raises(GivenError) as err:
        SOM.validate(givens)
    assert err.value.key == key
