"""LSTM cell: one step forward (every gate), one step backward at hard, parameter counts (§7).

Equations::

    f = σ(W_f[h_{t−1}, x_t] + b_f)   i = σ(W_i[h_{t−1}, x_t] + b_i)   c̃ = tanh(W_c[h_{t−1}, x_t] + b_c)
    c_t = f ⊙ c_{t−1} + i ⊙ c̃        o = σ(W_o[h_{t−1}, x_t] + b_o)   h_t = o ⊙ tanh(c_t)
    backward from δh = ∂L/∂h_t and δc_next (∂L/∂c_t from step t + 1):
    δo = δh ⊙ tanh c_t   δc = δh ⊙ o ⊙ (1 − tanh² c_t) + δc_next   δf = δc ⊙ c_{t−1}   δi = δc ⊙ c̃
    δc̃ = δc ⊙ i   δc_{t−1} = δc ⊙ f   δa_g = δg ⊙ σ'(a_g) (tanh' for c̃)   ∂L/∂W_f = δa_f [h_{t−1}, x_t]ᵀ
    δh_{t−1} = Σ_g (W_g^h)ᵀ δa_g     (W_g^h: the first H columns of W_g)
Shapes: h, c (H); x (D); W_g (H × (H + D)). A 1-unit value is written as a number.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.shared import gated_cells as G
from problems.shared.array_steps import arr, put
from problems.shared.clear_mistakes import this
from problems.shared.mistake_replay import other_mistake
from problems.shared.optional_torch import load_torch
from problems.shared.statement_text import vec_g
from problems.shared.unit_functions import sigmoid

NAME = "lstm"
SUMMARY = "LSTM cell: gates f, i, c̃, o, cell and hidden state; one backward step; 4[h(h + x) + h] parameters"
SECTIONS = ("7",)
VARIANTS = G.VARIANTS
_S = ("h_prev", "c_prev")
STEPS = [StepSpec(i, t, "vector", 3, f) for i, t, f in (
    ("hx", "[h_{t−1}, x_t]", "concatenate"), ("af", "Forget pre-activation", "W_f[h_{t−1}, x_t] + b_f"),
    ("f", "Forget gate", "σ(a_f)"), ("ai", "Input pre-activation", "W_i[h_{t−1}, x_t] + b_i"), ("i", "Input gate", "σ(a_i)"),
    ("ac", "Candidate pre-activation", "W_c[h_{t−1}, x_t] + b_c"), ("ctilde", "Candidate c̃", "tanh(a_c)"),
    ("c", "Cell state c_t", "f ⊙ c_{t−1} + i ⊙ c̃"), ("ao", "Output pre-activation", "W_o[h_{t−1}, x_t] + b_o"),
    ("o", "Output gate", "σ(a_o)"), ("tanhc", "tanh(c_t)", "tanh(c_t)"), ("h", "Hidden state h_t", "o ⊙ tanh(c_t)"),
    ("do", "∂L/∂o", "δh ⊙ tanh c_t"), ("dc", "∂L/∂c_t (total)", "δh ⊙ o ⊙ (1 − tanh² c_t) + δc_next"),
    ("df", "∂L/∂f", "δc ⊙ c_{t−1}"), ("di", "∂L/∂i", "δc ⊙ c̃"), ("dctilde", "∂L/∂c̃", "δc ⊙ i"),
    ("dcprev", "∂L/∂c_{t−1}", "δc ⊙ f"), ("daf", "∂L/∂a_f", "δf ⊙ f(1 − f)"), ("dai", "∂L/∂a_i", "δi ⊙ i(1 − i)"),
    ("dac", "∂L/∂a_c", "δc̃ ⊙ (1 − c̃²)"), ("dao", "∂L/∂a_o", "δo ⊙ o(1 − o)"),
    ("dhprev", "∂L/∂h_{t−1}", "Σ_g (W_g^h)ᵀ δa_g"))]
STEPS.insert(-1, StepSpec("dWf", "∂L/∂W_f", "matrix", 3, "δa_f [h_{t−1}, x_t]ᵀ"))
STEPS += G.PARAM_STEPS
GIVENS = {"variant": "forward, backward or params", "Wf, Wi, Wc, Wo": "gate weights, H × (H + D), acting on [h_{t−1}, x_t]",
          "bf, bi, bc, bo": "gate biases (H)", "h_prev, c_prev, x": "previous states (H) and input (D)",
          "dh, dc_next": "backward: ∂L/∂h_t and ∂L/∂c_t from step t + 1 (default 0)",
          "hidden, inputs": "params: h and x",
          "biases": "params: one bias vector per gate (default, course/Keras) or two (PyTorch: b_ih and b_hh)"}
_FWD = {"bias-omitted": "gate biases left out of the pre-activations",
        "sigmoid-candidate": "σ used for the candidate c̃: it is tanh(W_c[h_{t−1}, x_t] + b_c)",
        "gates-swapped": "forget and input gates swapped: i ⊙ c_{t−1} + f ⊙ c̃",
        "o-omitted": "output gate omitted: h_t = tanh(c_t) instead of o ⊙ tanh(c_t)",
        "tanh-c-omitted": "tanh of the cell left out: h_t = o ⊙ c_t"}
_BWD = {"dc-no-tanh-deriv": "δc missed tanh'(c_t): δh ⊙ o instead of δh ⊙ o ⊙ (1 − tanh² c_t)",
        "dc-next-omitted": "δc_next (the gradient reaching c_t from step t + 1) left out of δc",
        "dcprev-no-f": "∂c_t/∂c_{t−1} taken as 1: δc_{t−1} = δc instead of δc ⊙ f",
        "gate-deriv-missing": "σ' left out: δa_g = δg instead of δg ⊙ g(1 − g)"}
MISTAKES = _FWD | _BWD | G.PARAM_MISTAKES
_OWN = G.own_mistakes(_FWD, _BWD)


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """One-decimal weights and states; 1 unit at easy, up to 2 units and 2 inputs later."""
    return G.generate(this(__name__), rng, difficulty, variant, "fico", _S, _OWN)


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Shapes agree; canonical nested lists."""
    v = G.given_variant(givens)
    return {"variant": v} | (G.val_params(givens) if v == "params" else G.val_cell(givens, "fico", _S, v == "backward"))


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    if g["variant"] == "params":
        return G.say_params(g, "LSTM")
    text = "One LSTM step. " + G.say_cell(g, "fico", _S) + " Compute every gate, c_t and h_t."
    if g["variant"] == "backward":
        text += (f" Then backpropagate δh = ∂L/∂h_t = {vec_g(g['dh'])} and δc_next = {vec_g(g['dc_next'])} through the step: "
                 "δo, δc, δf, δi, δc̃, δc_{t−1}, the pre-activation gradients, ∂L/∂W_f and δh_{t−1}.")
    return text


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    if g["variant"] == "params":
        return [G.params_convention(g, 4)]
    return ["Concatenated form: W_g[h_{t−1}, x_t] + b_g, the first H columns of W_g multiply h_{t−1}.",
            "Gate order f, i, c̃, c, o, h; σ for gates, tanh for c̃ and for the cell in h_t; 1-unit values are numbers."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Forward through every gate; at ``backward`` one backward step."""
    if other_mistake(work, MISTAKES, _OWN[g["variant"]]):
        return None
    if g["variant"] == "params":
        return G.solve_params(g, work, 4, 3)
    hp, cp, x = arr(g, "h_prev", "c_prev", "x")
    H, nb = len(hp), work.mistake("bias-omitted")
    hx = put(work, "hx", "[h_{t−1}, x_t]", np.concatenate([hp, x]), "[h_{t−1}, x_t]")
    W = {k: np.array(g[f"W{k}"], dtype=float) for k in "fico"}
    val = {}
    for k, name, title, fn in (("f", "f", "Forget gate f", sigmoid), ("i", "i", "Input gate i", sigmoid),
                               ("c", "ctilde", "Candidate c̃", sigmoid if work.mistake("sigmoid-candidate") else np.tanh)):
        a = put(work, f"a{k}", f"Pre-activation a_{k}", W[k] @ hx + (0 if nb else np.array(g[f"b{k}"])), f"W_{k}[h_{{t−1}}, x_t] + b_{k}", ("hx",))
        val[k] = put(work, name, title, fn(a), f"σ(a_{k})" if fn is sigmoid else f"tanh(a_{k})", (f"a{k}",))
    f, i = (val["i"], val["f"]) if work.mistake("gates-swapped") else (val["f"], val["i"])
    c = put(work, "c", "Cell state c_t", f * cp + i * val["c"], "f ⊙ c_{t−1} + i ⊙ c̃", ("f", "i", "ctilde"))
    ao = put(work, "ao", "Pre-activation a_o", W["o"] @ hx + (0 if nb else np.array(g["bo"])), "W_o[h_{t−1}, x_t] + b_o", ("hx",))
    o = put(work, "o", "Output gate", sigmoid(ao), "σ(a_o)", ("ao",))
    tc = put(work, "tanhc", "tanh(c_t)", c if work.mistake("tanh-c-omitted") else np.tanh(c), "tanh(c_t)", ("c",))
    put(work, "h", "Hidden state h_t", tc if work.mistake("o-omitted") else o * tc, "o ⊙ tanh(c_t)", ("o", "tanhc"))
    if g["variant"] == "backward":
        _backward(g, work, hx, cp, W, val["f"], val["i"], val["c"], o, tc, H)
    return None


def _backward(g: dict[str, Any], work: Any, hx: Any, cp: Any, W: dict[str, Any], f: Any, i: Any, ct: Any,
              o: Any, tc: Any, H: int) -> None:
    dh, dcn = arr(g, "dh", "dc_next")
    do = put(work, "do", "∂L/∂o", dh * tc, "δh ⊙ tanh c_t", ("tanhc",))
    dc = dh * o * (1 if work.mistake("dc-no-tanh-deriv") else 1 - tc ** 2) + (0 if work.mistake("dc-next-omitted") else dcn)
    dc = put(work, "dc", "∂L/∂c_t", dc, "δh ⊙ o ⊙ (1 − tanh² c_t) + δc_next", ("o", "tanhc"))
    grads = {k: put(work, sid, f"∂L/∂{sid[1:]}", dc * m, fml, ("dc",)) for k, sid, m, fml in (
        ("f", "df", cp, "δc ⊙ c_{t−1}"), ("i", "di", ct, "δc ⊙ c̃"), ("c", "dctilde", i, "δc ⊙ i"))}
    put(work, "dcprev", "∂L/∂c_{t−1}", dc if work.mistake("dcprev-no-f") else dc * f, "δc ⊙ f", ("dc",))
    grads["o"] = do
    gate = {"f": f, "i": i, "o": o}
    da = {}
    for k in "fico":
        slope = 1 if work.mistake("gate-deriv-missing") else (1 - ct ** 2 if k == "c" else gate[k] * (1 - gate[k]))
        da[k] = put(work, f"da{k}", f"∂L/∂a_{k}", grads[k] * slope, "δg ⊙ σ'(a_g)" if k != "c" else "δc̃ ⊙ (1 − c̃²)",
                    ({"f": "df", "i": "di", "c": "dctilde", "o": "do"}[k],))
    put(work, "dWf", "∂L/∂W_f", np.outer(da["f"], hx), "δa_f [h_{t−1}, x_t]ᵀ", ("daf", "hx"))
    put(work, "dhprev", "∂L/∂h_{t−1}", sum(W[k][:, :H].T @ da[k] for k in "fico"), "Σ_g (W_g^h)ᵀ δa_g",
        tuple(f"da{k}" for k in "fico"))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch nn.LSTMCell + autograd, or NumPy finite differences."""
    if g["variant"] == "params":
        return G.cross_params(g, load_torch(), "lstm")
    from problems.types._lstm_crosscheck import lstm_cross
    return lstm_cross(g, load_torch())


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0, "hard", "backward"), "text"))
