"""GRU cell: one step forward (every gate), one step backward at hard, parameter counts (§7).

Equations::

    z = σ(W_z[h_{t−1}, x_t] + b_z)     r = σ(W_r[h_{t−1}, x_t] + b_r)
    h̃ = tanh(W_h[r ⊙ h_{t−1}, x_t] + b_h)
    course:  h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃        pytorch (Cho):  h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃
    backward from δh = ∂L/∂h_t (course; pytorch swaps z and 1 − z):
    δh̃ = δh ⊙ z   δz = δh ⊙ (h̃ − h_{t−1})   δa_h = δh̃ ⊙ (1 − h̃²)   δ(r⊙h) = (W_h^h)ᵀ δa_h
    δr = δ(r⊙h) ⊙ h_{t−1}   δa_z = δz ⊙ z(1 − z)   δa_r = δr ⊙ r(1 − r)   ∂L/∂W_z = δa_z [h_{t−1}, x_t]ᵀ
    δh_{t−1} = δh ⊙ (1 − z) + δ(r⊙h) ⊙ r + (W_z^h)ᵀ δa_z + (W_r^h)ᵀ δa_r
Shapes: h (H); x (D); W_g (H × (H + D)), W_g^h its first H columns. A 1-unit value is a number.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import choice
from problems.shared import gated_cells as G
from problems.shared.array_steps import arr, put
from problems.shared.clear_mistakes import this
from problems.shared.mistake_replay import other_mistake
from problems.shared.optional_torch import load_torch
from problems.shared.random_givens import pick
from problems.shared.statement_text import vec_g
from problems.shared.unit_functions import sigmoid

NAME = "gru"
SUMMARY = "GRU cell: gates z, r, candidate h̃, h_t (course or PyTorch convention); backward step; 3[h(h + x) + h]"
SECTIONS = ("7",)
VARIANTS = G.VARIANTS
_S = ("h_prev",)
STEPS = [StepSpec(i, t, "matrix" if i == "dWz" else "vector", 3, f) for i, t, f in (
    ("hx", "[h_{t−1}, x_t]", "concatenate"), ("az", "Update pre-activation", "W_z[h_{t−1}, x_t] + b_z"),
    ("z", "Update gate", "σ(a_z)"), ("ar", "Reset pre-activation", "W_r[h_{t−1}, x_t] + b_r"), ("r", "Reset gate", "σ(a_r)"),
    ("rh", "r ⊙ h_{t−1}", "r ⊙ h_{t−1}"), ("ah", "Candidate pre-activation", "W_h[r ⊙ h_{t−1}, x_t] + b_h"),
    ("htilde", "Candidate h̃", "tanh(a_h)"), ("h", "Hidden state h_t", "(1 − z) ⊙ h_{t−1} + z ⊙ h̃ (course)"),
    ("dhtilde", "∂L/∂h̃", "δh ⊙ z (course)"), ("dz", "∂L/∂z", "δh ⊙ (h̃ − h_{t−1}) (course)"),
    ("dah", "∂L/∂a_h", "δh̃ ⊙ (1 − h̃²)"), ("drh", "∂L/∂(r ⊙ h_{t−1})", "(W_h^h)ᵀ δa_h"), ("dr", "∂L/∂r", "δ(r⊙h) ⊙ h_{t−1}"),
    ("daz", "∂L/∂a_z", "δz ⊙ z(1 − z)"), ("dar", "∂L/∂a_r", "δr ⊙ r(1 − r)"), ("dWz", "∂L/∂W_z", "δa_z [h_{t−1}, x_t]ᵀ"),
    ("dhprev", "∂L/∂h_{t−1}", "δh ⊙ (1 − z) + δ(r⊙h) ⊙ r + Σ_g (W_g^h)ᵀ δa_g"))] + G.PARAM_STEPS
GIVENS = {"variant": "forward, backward or params", "convention": "course: (1 − z)⊙h_{t−1} + z⊙h̃; pytorch: z⊙h_{t−1} + (1 − z)⊙h̃",
          "Wz, Wr, Wh": "gate weights, H × (H + D), acting on [h_{t−1}, x_t] ([r ⊙ h_{t−1}, x_t] for W_h)",
          "bz, br, bh": "gate biases (H)", "h_prev, x": "previous state (H) and input (D)",
          "dh": "backward: ∂L/∂h_t", "hidden, inputs": "params: h and x",
          "biases": "params: one bias vector per gate (default, course/Keras) or two (PyTorch: b_ih and b_hh)"}
_FWD = {"bias-omitted": "gate biases left out of the pre-activations",
        "sigmoid-candidate": "σ used for the candidate h̃: it is tanh(W_h[r ⊙ h_{t−1}, x_t] + b_h)",
        "reset-omitted": "reset gate left out: h̃ computed from h_{t−1} instead of r ⊙ h_{t−1}",
        "reset-after": "reset gate applied after the product (r ⊙ W_h^h h_{t−1}) instead of to h_{t−1} inside it",
        "convention-swapped": "update-gate convention swapped: z and 1 − z exchanged in h_t"}
_BWD = {"dz-sign": "sign of δz flipped: h̃ − h_{t−1} and h_{t−1} − h̃ exchanged",
        "gate-deriv-missing": "σ' left out: δa_g = δg instead of δg ⊙ g(1 − g)",
        "direct-path-omitted": "direct path left out of δh_{t−1}: the (1 − z) ⊙ δh term (course) is missing"}
MISTAKES = _FWD | _BWD | G.PARAM_MISTAKES
_OWN = G.own_mistakes(_FWD, _BWD)


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """One-decimal weights and state; the convention is drawn too (course twice as often)."""
    return G.generate(this(__name__), rng, difficulty, variant, "zrh", _S, _OWN,
                      fixed=lambda: {"convention": pick(rng, ["course", "course", "pytorch"])})


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Shapes agree; canonical nested lists."""
    v = G.given_variant(givens)
    if v == "params":
        return {"variant": v} | G.val_params(givens)
    return {"variant": v, "convention": choice(givens, "convention", ("course", "pytorch"), default="course")} | \
        G.val_cell(givens, "zrh", _S, v == "backward")


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    if g["variant"] == "params":
        return G.say_params(g, "GRU")
    text = "One GRU step. " + G.say_cell(g, "zrh", _S) + " Compute every gate, r ⊙ h_{t−1}, h̃ and h_t."
    if g["variant"] == "backward":
        text += (f" Then backpropagate δh = ∂L/∂h_t = {vec_g(g['dh'])}: δh̃, δz, δa_h, δ(r⊙h), δr, δa_z, δa_r, "
                 "∂L/∂W_z and δh_{t−1}.")
    return text


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    if g["variant"] == "params":
        return [G.params_convention(g, 3)]
    form = {"course": "h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃ (course)", "pytorch": "h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃ (PyTorch/Cho)"}
    return [f"Update: {form[g['convention']]}.",
            "Reset inside the product: h̃ = tanh(W_h[r ⊙ h_{t−1}, x_t] + b_h); the first H columns of each W multiply h_{t−1}; "
            "1-unit values are numbers."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Forward through every gate; at ``backward`` one backward step."""
    if other_mistake(work, MISTAKES, _OWN[g["variant"]]):
        return None
    if g["variant"] == "params":
        return G.solve_params(g, work, 3, 4)
    hp, x = arr(g, "h_prev", "x")
    H, nb = len(hp), work.mistake("bias-omitted")
    W = {k: np.array(g[f"W{k}"], dtype=float) for k in "zrh"}
    b = {k: 0.0 if nb else np.array(g[f"b{k}"], dtype=float) for k in "zrh"}
    hx = put(work, "hx", "[h_{t−1}, x_t]", np.concatenate([hp, x]), "[h_{t−1}, x_t]")
    gate = {}
    for k, title in (("z", "Update gate z"), ("r", "Reset gate r")):
        a = put(work, f"a{k}", f"Pre-activation a_{k}", W[k] @ hx + b[k], f"W_{k}[h_{{t−1}}, x_t] + b_{k}", ("hx",))
        gate[k] = put(work, k, title, sigmoid(a), f"σ(a_{k})", (f"a{k}",))
    z, r = gate["z"], gate["r"]
    rh = put(work, "rh", "r ⊙ h_{t−1}", hp if work.mistake("reset-omitted") else r * hp, "r ⊙ h_{t−1}", ("r",))
    a_h = W["h"][:, :H] @ rh + W["h"][:, H:] @ x + b["h"]
    if work.mistake("reset-after"):
        a_h = r * (W["h"][:, :H] @ hp) + W["h"][:, H:] @ x + b["h"]
    a_h = put(work, "ah", "Candidate pre-activation a_h", a_h, "W_h[r ⊙ h_{t−1}, x_t] + b_h", ("rh",))
    ht = put(work, "htilde", "Candidate h̃", (sigmoid if work.mistake("sigmoid-candidate") else np.tanh)(a_h), "tanh(a_h)", ("ah",))
    course = (g["convention"] == "course") != work.mistake("convention-swapped")
    keep, new = (1 - z, z) if course else (z, 1 - z)
    put(work, "h", "Hidden state h_t", keep * hp + new * ht,
        "(1 − z) ⊙ h_{t−1} + z ⊙ h̃" if course else "z ⊙ h_{t−1} + (1 − z) ⊙ h̃", ("z", "htilde"))
    if g["variant"] == "backward":
        _backward(g, work, hx, hp, W, z, r, rh, ht, H)
    return None


def _backward(g: dict[str, Any], work: Any, hx: Any, hp: Any, W: dict[str, Any], z: Any, r: Any, rh: Any,
              ht: Any, H: int) -> None:
    (dh,) = arr(g, "dh")
    course = g["convention"] == "course"
    keep, new = (1 - z, z) if course else (z, 1 - z)
    dht = put(work, "dhtilde", "∂L/∂h̃", dh * new, "δh ⊙ z" if course else "δh ⊙ (1 − z)", ("z",))
    sign = -1 if work.mistake("dz-sign") else 1
    dz = put(work, "dz", "∂L/∂z", sign * dh * ((ht - hp) if course else (hp - ht)), "δh ⊙ (h̃ − h_{t−1})", ("htilde",))
    dah = put(work, "dah", "∂L/∂a_h", dht * (1 - ht ** 2), "δh̃ ⊙ (1 − h̃²)", ("dhtilde", "htilde"))
    drh = put(work, "drh", "∂L/∂(r ⊙ h_{t−1})", W["h"][:, :H].T @ dah, "(W_h^h)ᵀ δa_h", ("dah",))
    dr = put(work, "dr", "∂L/∂r", drh * hp, "δ(r⊙h) ⊙ h_{t−1}", ("drh",))
    one = work.mistake("gate-deriv-missing")
    daz = put(work, "daz", "∂L/∂a_z", dz * (1 if one else z * (1 - z)), "δz ⊙ z(1 − z)", ("dz",))
    dar = put(work, "dar", "∂L/∂a_r", dr * (1 if one else r * (1 - r)), "δr ⊙ r(1 − r)", ("dr",))
    put(work, "dWz", "∂L/∂W_z", np.outer(daz, hx), "δa_z [h_{t−1}, x_t]ᵀ", ("daz", "hx"))
    direct = 0.0 if work.mistake("direct-path-omitted") else dh * keep
    put(work, "dhprev", "∂L/∂h_{t−1}", direct + drh * r + W["z"][:, :H].T @ daz + W["r"][:, :H].T @ dar,
        "δh ⊙ (1 − z) + δ(r⊙h) ⊙ r + (W_z^h)ᵀ δa_z + (W_r^h)ᵀ δa_r", ("drh", "daz", "dar"))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch autograd (+ nn.GRUCell for one unit), or NumPy differences."""
    if g["variant"] == "params":
        return G.cross_params(g, load_torch(), "gru")
    from problems.types._gru_crosscheck import gru_cross
    return gru_cross(g, load_torch())


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0, "hard", "backward"), "text"))
