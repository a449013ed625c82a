"""L1/L2 penalties R(w) (Ω in some notes), their gradients and the weight-decay update (SYLLABUS §4).

Equations::

    J = J₀ + λR(w)
    l2        R = Σ w²       ∇(λR) = 2λw          w ← (1 − 2ηλ) w − η ∇J₀
    l2-half   R = ½ Σ w²     ∇(λR) = λw           w ← (1 − ηλ) w − η ∇J₀
    l1        R = Σ |w|      ∇(λR) = λ sign(w)    w ← w − η (∇J₀ + λ sign(w))   (sign(0) = 0)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, number, vector
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.optional_torch import load_torch
from problems.shared.random_givens import pick
from problems.shared.statement_text import num, vec

NAME = "regularization"
SUMMARY = "L1/L2 penalty, its gradient and the weight-decay update in both L2 forms"
SECTIONS = ("4",)
FORMS = {"l2": ("Σ w²", "2λw", "(1 − 2ηλ)"), "l2-half": ("(1/2) Σ w²", "λw", "(1 − ηλ)"), "l1": ("Σ |w|", "λ sign(w)", "")}
VARIANTS = {"l2": "L2 with R = Σw² (update factor 1 − 2ηλ)", "l2-half": "L2 with R = (1/2)Σw² (factor 1 − ηλ)",
            "l1": "L1 with R = Σ|w| (subgradient λ sign(w))"}
STEPS = [
    StepSpec("omega", "Penalty R(w)", "number", 3, "Σw² | (1/2)Σw² | Σ|w|"),
    StepSpec("reg", "Weighted penalty λR", "number", 4, "λR"),
    StepSpec("J", "Regularised cost J = J₀ + λR", "number", 4, "J₀ + λR"),
    StepSpec("grad_reg", "Gradient of the penalty ∇(λR)", "vector", 4, "2λw | λw | λ sign(w)"),
    StepSpec("grad", "Total gradient ∇J", "vector", 4, "∇J₀ + ∇(λR)"),
    StepSpec("decay", "Weight-decay factor (L2)", "number", 4, "1 − 2ηλ | 1 − ηλ"),
    StepSpec("w_new", "Updated weights", "vector", 4, "decay·w − η∇J₀ | w − η∇J"),
]
GIVENS = {"penalty": "l2 (λΣw²), l2-half ((λ/2)Σw²) or l1 (λΣ|w|)", "w": "weights", "grad0": "gradient ∇J₀ of the data loss",
          "J0": "data loss J₀", "lam": "regularisation strength λ", "lr": "learning rate η"}
MISTAKES = {  # later steps first: an earlier-listed mistake wins a tie in the diagnosis
    "decay-form": "weight-decay factor of the other L2 form: (1 − ηλ) belongs to (λ/2)Σw², (1 − 2ηλ) to λΣw²",
    "penalty-omitted": "penalty left out of the update: w − η∇J₀",
    "l1-as-l2": "L1 gradient written as λw (an L2 gradient) instead of λ sign(w)",
    "sign-dropped": "L1 subgradient written as λ for every weight: sign(w) is −1 for negative weights",
    "l2-gradient-no-2": "gradient of λΣw² written as λw: the 2 from the square is missing",
    "half-dropped": "the 1/2 of R = (1/2)Σw² left out",
    "norms-confused": "L1 and L2 confused in R: Σ|w| and Σw² swapped",
}
APPLIES = {"decay-form": lambda g: g["penalty"] != "l1", "l1-as-l2": lambda g: g["penalty"] == "l1",
           "sign-dropped": lambda g: g["penalty"] == "l1", "l2-gradient-no-2": lambda g: g["penalty"] == "l2",
           "half-dropped": lambda g: g["penalty"] == "l2-half"}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """One-decimal weights and gradients; λ and η such that the decay factor stays positive."""
    form = variant or pick(rng, {"easy": ["l2", "l1"], "exam": list(FORMS), "hard": list(FORMS)}[difficulty])
    n = {"easy": 2, "exam": 3, "hard": 4}[difficulty]

    def draw() -> dict[str, Any]:
        w = rng.integers(1, 16, size=n) / 10 * rng.choice([-1, 1], size=n)
        return {"penalty": form, "w": w.tolist(), "grad0": (rng.integers(-10, 11, size=n) / 10).tolist(),
                "J0": float(rng.integers(10, 200)) / 100, "lam": pick(rng, [0.01, 0.05, 0.1, 0.5]), "lr": pick(rng, [0.1, 0.5, 1.0])}
    return generate_clear(this(__name__), draw)


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Penalty form, weights and data gradient of equal length, J₀, λ ≥ 0, η > 0."""
    w = vector(g, "w", (1, 10))
    out = {"penalty": choice(g, "penalty", FORMS), "w": w, "grad0": vector(g, "grad0", (len(w), len(w))),
           "J0": number(g, "J0", default=0.0), "lam": number(g, "lam", 0.0, 100.0), "lr": number(g, "lr", 0.0, 10.0)}
    if out["lr"] == 0:
        raise GivenError("lr", "a learning rate η > 0")
    return out


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    omega, _, factor = FORMS[g["penalty"]]
    upd = f"and the update w ← {factor}w − η∇J₀" if factor else "and the update w ← w − η∇J"
    return (f"A model has weights w = {vec(g['w'])}, data loss J₀ = {num(g['J0'])} with gradient ∇J₀ = {vec(g['grad0'])}. "
            f"With the penalty λR, R = {omega}, λ = {num(g['lam'])} and η = {num(g['lr'])}, compute R, λR, J, the "
            f"penalty's gradient, ∇J {'and the weight-decay factor, ' if factor else ''}{upd}.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    omega, grad, factor = FORMS[g["penalty"]]
    out = [f"J = J₀ + λR with the penalty R = {omega} (often written Ω; step id omega), so ∇(λR) = {grad}."]
    return out + ([f"Weight decay: w ← {factor}w − η∇J₀ (the same as w − η∇J)."] if factor else ["sign(0) = 0."])


def solve(g: dict[str, Any], work: Any) -> None:
    """R, λR, J, ∇(λR), ∇J, then the decay factor (L2) and the updated weights."""
    if idle(work, APPLIES, g):
        return
    form, w, grad0, lam, lr = g["penalty"], np.array(g["w"]), np.array(g["grad0"]), g["lam"], g["lr"]
    l1 = (form == "l1") != work.mistake("norms-confused")
    omega = np.abs(w).sum() if l1 else (w ** 2).sum() * (0.5 if form == "l2-half" and not work.mistake("half-dropped") else 1.0)
    omega = work.put("omega", "R(w)", float(omega), f"{FORMS[form][0]}")
    reg = work.put("reg", "λR", lam * omega, "λ · R", depends_on=("omega",))
    work.put("J", "J = J₀ + λR", g["J0"] + reg, "J₀ + λR", depends_on=("reg",))
    if form == "l1":
        gr = lam * w if work.mistake("l1-as-l2") else lam * (np.ones_like(w) if work.mistake("sign-dropped") else np.sign(w))
    else:
        gr = lam * w * (1.0 if form == "l2-half" or work.mistake("l2-gradient-no-2") else 2.0)
    gr = work.put("grad_reg", "∇(λR)", gr, FORMS[form][1])
    grad = work.put("grad", "∇J = ∇J₀ + ∇(λR)", grad0 + gr, "∇J₀ + ∇(λR)", depends_on=("grad_reg",))
    if form == "l1":
        new = w - lr * (grad0 if work.mistake("penalty-omitted") else grad)
        work.put("w_new", "Updated weights", new, "w − η∇J", depends_on=("grad",))
        return
    k = 1.0 if (form == "l2-half") != work.mistake("decay-form") else 2.0
    decay = 1.0 if work.mistake("penalty-omitted") else 1 - k * lr * lam
    decay = work.put("decay", "Weight-decay factor", decay, FORMS[form][2].strip("()"))
    work.put("w_new", "Updated weights", decay * w - lr * grad0, f"{FORMS[form][2]}w − η∇J₀", depends_on=("decay",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch autograd + torch.optim.SGD (and its weight_decay), else NumPy."""
    torch, w0, grad0, lam, lr = load_torch(), np.array(g["w"]), np.array(g["grad0"]), g["lam"], g["lr"]
    form = g["penalty"]
    if torch is None:
        omega = {"l2": np.linalg.norm(w0) ** 2, "l2-half": np.dot(w0, w0) / 2, "l1": np.linalg.norm(w0, 1)}[form]
        gr = {"l2": 2 * lam * w0, "l2-half": lam * w0, "l1": lam * np.sign(w0)}[form]
        w_new = w0 - lr * (grad0 + gr)
    else:
        w = torch.tensor(g["w"], dtype=torch.float64, requires_grad=True)
        pen = {"l2": lambda: (w ** 2).sum(), "l2-half": lambda: 0.5 * (w ** 2).sum(), "l1": lambda: w.abs().sum()}[form]()
        J = g["J0"] + torch.dot(torch.tensor(g["grad0"], dtype=torch.float64), w - w.detach()) + lam * pen
        opt = torch.optim.SGD([w], lr=lr)
        J.backward()
        gr, omega = w.grad.numpy() - grad0, pen.item()
        opt.step()
        w_new = w.detach().numpy()
        if form == "l2-half":  # torch's weight_decay is exactly the (λ/2)Σw² form
            v = torch.tensor(g["w"], dtype=torch.float64, requires_grad=True)
            v.grad = torch.tensor(g["grad0"], dtype=torch.float64)
            torch.optim.SGD([v], lr=lr, weight_decay=lam).step()
            w_new = v.detach().numpy()
    out = {"omega": float(omega), "reg": lam * float(omega), "J": g["J0"] + lam * float(omega), "grad_reg": np.asarray(gr).tolist(),
           "grad": (grad0 + gr).tolist(), "w_new": np.asarray(w_new).tolist()}
    if form != "l1":
        out["decay"] = float(np.mean((np.asarray(w_new) + lr * grad0) / w0))
    return out
