"""Issue 11: a catalogued mistake is named however the student writes it.

Each mistaken number is computed here with the math module (from the mistake's own formula), and
entered as a student would: rounded, usually with the earlier steps blank; the check must mark
it incorrect and name the mistake.
"""

from __future__ import annotations

import math

import pytest

from problems import check
from problems.registry import get


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def diagnosis(topic: str, answers: dict, step: str, **kw) -> str | None:
    marks = {m.id: m for m in check(topic, answers=answers, **kw).marks}
    assert marks[step].status == "incorrect", marks[step]
    return marks[step].diagnosis


def named(topic: str, mistake: str) -> str:
    return get(topic).MISTAKES[mistake]


def vec(values, places: int) -> str:
    return "[" + ", ".join(f"{v:.{places}f}" for v in values) + "]"


# --- Mazur's textbook net (out_h1 = 0.593269992, o1 = 0.75136507) -------------------------------

MAZUR = dict(w1=0.15, w2=0.2, w3=0.25, w4=0.3, w5=0.4, w6=0.45, w7=0.5, w8=0.55, b1=0.35, b2=0.6,
             x=[0.05, 0.1], t=[0.01, 0.99], lr=0.5)
H = [sigmoid(0.15 * 0.05 + 0.2 * 0.1 + 0.35), sigmoid(0.25 * 0.05 + 0.3 * 0.1 + 0.35)]
O = [sigmoid(0.4 * H[0] + 0.45 * H[1] + 0.6), sigmoid(0.5 * H[0] + 0.55 * H[1] + 0.6)]


def test_mazur_numbers_are_the_published_ones():
    assert abs(H[0] - 0.593269992) < 1e-9 and abs(O[0] - 0.75136507) < 1e-8
    assert abs((O[0] - 0.01) * O[0] * (1 - O[0]) * H[0] - 0.082167041) < 1e-9  # ∂E/∂w5


def test_backprop_hidden_units_derivative_in_an_output_weights_gradient_alone():
    wrong = (O[0] - 0.01) * H[0] * (1 - H[0]) * H[0]  # out_h1(1 − out_h1) where o1(1 − o1) belongs
    assert diagnosis("backprop", {"dE_dw5": f"{wrong:.4f}"}, "dE_dw5", givens=MAZUR) == \
        named("backprop", "hidden-derivative-in-output")


def test_backprop_other_outputs_derivative_in_delta_o():
    wrong = [(O[0] - 0.01) * O[1] * (1 - O[1]), (O[1] - 0.99) * O[0] * (1 - O[0])]
    assert diagnosis("backprop", {"delta_o": vec(wrong, 4)}, "delta_o", givens=MAZUR) == \
        named("backprop", "other-output-derivative")


# --- optimizer -------------------------------------------------------------------------------

def opt(**kw) -> dict:
    return {"w0": [1.0], "grads": [[0.5], [0.3]], "lr": 0.1, "beta": 0.9, **kw}


@pytest.mark.parametrize("form", ["momentum", "momentum-ema"])
def test_optimizer_pytorch_momentum_is_named_as_a_convention(form):
    v1 = 0.9 * 0 + 0.5  # PyTorch: v ← βv + g
    v2 = 0.9 * v1 + 0.3
    name = diagnosis("optimizer", {"v.2": f"[{v2:.4f}]"}, "v.2", givens=opt(optimizer=form))
    assert name == named("optimizer", "pytorch-momentum") and "convention" in name


def test_optimizer_pytorch_momentum_first_velocity_of_the_ema_form():
    # v.1 = g (PyTorch) where the EMA form gives (1 − β)g = 0.05; the parameters w cannot tell PyTorch's
    # form from the classical one (w ← w − ηv with v = Σβg equals w ← w + v with v = −ηΣβg)
    assert diagnosis("optimizer", {"v.1": "0.500"}, "v.1", givens=opt(optimizer="momentum-ema")) == \
        named("optimizer", "pytorch-momentum")


@pytest.mark.parametrize("inside", [False, True])
def test_adam_epsilon_on_the_wrong_side_of_the_root_at_the_default_1e_8(inside):
    g, eps, lr = 4e-4, 1e-8, 1.0  # v = (1 − β₂)g² = 1.6e-10: above the 1e-10 the key shows as 0
    m_hat, v_hat = g, g * g  # bias-corrected first step: m̂ = g, v̂ = g²
    right = 1 - lr * m_hat / (math.sqrt(v_hat + eps) if inside else math.sqrt(v_hat) + eps)
    wrong = 1 - lr * m_hat / (math.sqrt(v_hat) + eps if inside else math.sqrt(v_hat + eps))
    assert abs(right - wrong) > 0.02  # v̂ is as small as ε: the side of the root shows
    givens = {"optimizer": "adam", "w0": [1.0], "grads": [[g]], "lr": lr, "beta1": 0.9, "beta2": 0.999,
              "eps_inside": inside}
    assert diagnosis("optimizer", {"w.1": f"[{wrong:.4f}]"}, "w.1", givens=givens) == named("optimizer", "eps-placement")


# --- vae -------------------------------------------------------------------------------------

VAE = {"variant": "sigma", "mu": [0.5, -0.2], "sigma": [0.8, 1.5], "eps": [0.3, -1.0], "x": [1, 0],
       "x_hat": [0.8, 0.3], "recon": "bce"}


def test_vae_log10_in_log_sigma_squared():
    wrong = [2 * math.log10(s) for s in VAE["sigma"]]
    assert diagnosis("vae", {"logvar": vec(wrong, 3)}, "logvar", givens=VAE) == named("vae", "log10")


def test_vae_kl_without_the_half():
    terms = [s * s + m * m - 2 * math.log(s) - 1 for m, s in zip(VAE["mu"], VAE["sigma"])]
    assert diagnosis("vae", {"kl": f"{sum(terms):.3f}"}, "kl", givens=VAE) == named("vae", "kl-no-half")
    assert diagnosis("vae", {"kl-terms": vec(terms, 3)}, "kl-terms", givens=VAE) == named("vae", "kl-no-half")


# --- conv ------------------------------------------------------------------------------------

def test_conv_flatten_without_the_pooling_layer_pool_variant():
    givens = {"variant": "pool", "X": [[1, 2, 3, 4], [5, 6, 7, 8], [9, 1, 2, 3], [4, 5, 6, 7]], "F": 2, "S": 2, "C": 3}
    assert diagnosis("conv", {"flat": "48"}, "flat", givens=givens) == named("conv", "flatten-unpooled")  # 4·4·3, not 2·2·3


def test_conv_flatten_without_the_pooling_layer_network():
    layers = ["conv 16@3x3 s1 p1", "maxpool 2x2 s2", "conv 16@3x3 s1 p0", "maxpool 2x2 s2", "flatten", "dense 10"]
    givens = {"variant": "network", "input": [64, 64, 3], "layers": layers}
    unpooled = 30 * 30 * 16  # the second conv's 30×30×16, before its pooling to 15×15×16
    assert diagnosis("conv", {"shape.5": f"[{unpooled}]"}, "shape.5", givens=givens) == named("conv", "flatten-unpooled")
    assert diagnosis("conv", {"params.6": f"{(unpooled + 1) * 10}"}, "params.6", givens=givens) == \
        named("conv", "flatten-unpooled")


# --- early stopping --------------------------------------------------------------------------

def test_early_stopping_reversed_rule_saves_when_the_loss_rises():
    val = [1.0, 0.9, 0.8, 0.85, 0.7, 0.75, 0.8, 0.9, 0.95]
    patience = 2
    best, wait, stop = -math.inf, 0, len(val)  # the reversed rule: a rise counts as an improvement
    for e, v in enumerate(val, 1):
        wait = 0 if v > best else wait + 1
        best = max(best, v)
        if wait >= patience:
            stop = e
            break
    assert stop == 3
    givens = {"val": val, "patience": patience}
    assert diagnosis("early-stopping", {"stop": str(stop)}, "stop", givens=givens) == named("early-stopping", "reversed-rule")


# --- the diagnosis survives the way students write ------------------------------------------------

RBF = {"centres": [[0, 0], [0, 1], [1, 0], [1, 1]], "kernel": "gauss", "sigma": 1.0, "w": [-3.0, 3.4, 3.4, -3.0]}


def test_e0_slip_among_entries_rounded_to_one_decimal():
    h = [math.exp(-d2 / 2) for d2 in (0, 1, 1, 2)]  # pattern (0, 0) against the four corners
    written = "[0, " + ", ".join(f"{v:.1f}" for v in h[1:]) + "]"  # e⁰ as 0, the rest to one decimal
    assert diagnosis("rbf-xor", {"h.1": written}, "h.1", givens=RBF) == named("rbf-xor", "e0-zero")


def test_e0_slip_with_one_entry_also_miscopied():
    h = [math.exp(-d2 / 2) for d2 in (0, 1, 1, 2)]
    written = f"[0, {h[1]:.2f}, 0.99, {h[3]:.2f}]"
    assert diagnosis("rbf-xor", {"h.1": written}, "h.1", givens=RBF) == named("rbf-xor", "e0-zero")


SOM = {"weights": [[0.1, 0.8, 0.9], [0.6, 0.0, 0.1], [0.3, 0.4, 0.6], [0.5, 0.2, 0.1]], "x": [[0.7, 0.8, 0.0]], "lr": 0.2}


def test_a_sign_flipped_som_update_given_alone():
    x, w = SOM["x"][0], [row[:] for row in SOM["weights"]]
    d2 = [sum((a - b) ** 2 for a, b in zip(x, row)) for row in w]
    j = d2.index(min(d2))
    w[j] = [wi - 0.2 * (xi - wi) for wi, xi in zip(w[j], x)]  # w − η(x − w)
    written = "[" + ", ".join(vec(row, 2) for row in w) + "]"
    assert diagnosis("som", {"weights.1": written}, "weights.1", givens=SOM) == named("som", "sign-flipped")


def test_a_sign_flipped_som_update_with_one_entry_miscopied():
    x, w = SOM["x"][0], [row[:] for row in SOM["weights"]]
    d2 = [sum((a - b) ** 2 for a, b in zip(x, row)) for row in w]
    j = d2.index(min(d2))
    w[j] = [wi - 0.2 * (xi - wi) for wi, xi in zip(w[j], x)]
    w[0][0] = 0.7  # copied wrong from the givens
    written = "[" + ", ".join(vec(row, 2) for row in w) + "]"
    assert diagnosis("som", {"weights.1": written}, "weights.1", givens=SOM) == named("som", "sign-flipped")
