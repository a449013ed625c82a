"""Issue 11: an exercise states only the conventions that apply to it.

For every type, variant and difficulty (several seeds), every convention line that names a
choice the givens make (a mask, a bias rule, ε inside the root, a tail, a gate form, …) must
agree with the givens: ``practice attention --seed 1`` once printed a causal mask for an
unmasked key. The rules below read the givens directly, not the type's own code.
"""

from __future__ import annotations

import re

import pytest

from problems.engine import make_exercise
from problems.registry import all_types


def _tail(g):
    return g.get("tail")


# (type, text a convention line may hold, what the givens must then say)
RULES = [
    ("attention", "Causal mask", lambda g: g.get("mask") == "causal"),
    ("attention", "No mask", lambda g: g.get("mask") != "causal"),
    ("backprop", "Biases are updated too", lambda g: g["update_biases"]),
    ("backprop", "Cross-entropy with softmax", lambda g: g["loss"] == "ce"),
    ("backprop", "E = (1/2) Σ_k", lambda g: g["loss"] == "mse"),
    ("backprop", "ReLU′(0)", lambda g: g["activation"] == "relu"),
    ("optimizer", "ε is added inside", lambda g: bool(g.get("eps_inside"))),
    ("optimizer", "ε is added outside", lambda g: not g.get("eps_inside")),
    ("optimizer", "EMA momentum", lambda g: g["optimizer"] == "momentum-ema"),
    ("optimizer", "Classical momentum", lambda g: g["optimizer"] == "momentum"),
    ("optimizer", "m̂", lambda g: g["optimizer"] == "adam"),
    ("dropout", "Inverted dropout", lambda g: g["mode"] == "inverted"),
    ("dropout", "Standard dropout", lambda g: g["mode"] == "standard"),
    ("clipping", "Norm clipping", lambda g: g["mode"] == "norm"),
    ("clipping", "Value clipping", lambda g: g["mode"] == "value"),
    ("gru", "(course)", lambda g: g.get("convention") == "course"),
    ("gru", "(PyTorch/Cho)", lambda g: g.get("convention") in ("pytorch", "cho")),
    ("ttest", "|t| > t_crit", lambda g: _tail(g) == "two"),
    ("ttest", "t < −t_crit", lambda g: _tail(g) == "left"),
    ("ttest", "s/√(n − 1)", lambda g: g.get("sd_divisor") == "n"),
    ("ttest-ind", "Welch:", lambda g: g["method"] == "welch"),
    ("ttest-ind", "Pooled:", lambda g: g["method"] == "pooled"),
    ("ztest", "|z| > z_crit", lambda g: _tail(g) == "two"),
    ("loss", "(1/n)Σ(t − o)²", lambda g: g.get("form") == "mean"),
    ("som", "Only the winner is updated", lambda g: g.get("neighbourhood", "winner") in ("winner", None) or g.get("radius") == 0),
    ("som", "h_j = exp(", lambda g: g.get("neighbourhood") == "gauss"),
    ("som", "h_j = 1 if r_j ≤ R", lambda g: g.get("neighbourhood") == "radius"),
    ("rbf-xor", "the bias is w's last entry", lambda g: g.get("use_bias") is True),
    ("activation", "ReLU′(0)", lambda g: g["function"] == "relu"),
    ("activation", "subtract max z", lambda g: g["function"] == "softmax"),
]


def exercises():
    for name, module in all_types().items():
        for variant in (None, *getattr(module, "VARIANTS", {})):
            for difficulty in ("easy", "exam", "hard"):
                for seed in range(4):
                    yield name, module, variant, difficulty, seed


def test_the_rules_name_real_types():
    assert {name for name, *_ in RULES} <= set(all_types())


def test_every_convention_line_agrees_with_the_givens():
    wrong, fired = [], set()
    for name, module, variant, difficulty, seed in exercises():
        ex = make_exercise(module, seed, difficulty, variant)
        for line in ex.conventions:
            for rule_type, text, holds in RULES:
                if rule_type == name and text in line:
                    fired.add((rule_type, text))
                    if not holds(ex.givens):
                        wrong.append(f"{name}@{seed}:{difficulty}+{variant}: {line!r}")
    assert not wrong, "\n".join(wrong[:20])
    assert len(fired) >= len(RULES) - 3, sorted(set((t, x) for t, x, _ in RULES) - fired)  # the rules are not dead


def test_early_stopping_states_the_min_delta_it_uses():
    for name, module, variant, difficulty, seed in exercises():
        if name != "early-stopping":
            continue
        ex = make_exercise(module, seed, difficulty, variant)
        stated = [float(m.group(1)) for line in ex.conventions if (m := re.search(r"val < best − ([\d.]+)", line))]
        assert stated == [ex.givens["min_delta"]]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_attention_without_a_mask_says_so(seed):
    ex = make_exercise(all_types()["attention"], seed, "exam", "scaled")
    assert any(("Causal mask" in line) == (ex.givens["mask"] == "causal") for line in ex.conventions)


def test_practice_attention_seed_1_states_no_causal_mask_for_its_unmasked_key():
    from tests.conftest import run_cli
    import json
    out = json.loads(run_cli("practice", "attention", "--seed", "1", "--format", "json").stdout)
    assert out["givens"]["mask"] != "causal"
    text = run_cli("practice", "attention", "--seed", "1", "--format", "text").stdout
    assert "Causal mask" not in text and "No mask" in text
