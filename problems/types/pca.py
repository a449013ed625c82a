"""PCA on small 2-D data: mean, covariance, eigen-decomposition, projection, reconstruction (§9).

Equations::

    μ = (1/n) Σ_i x_i      X_c = X − μ      C = X_cᵀ X_c / (n − 1)   (or / n: a given)
    λ₁,₂ = tr/2 ± √(tr²/4 − det),  λ₁ ≥ λ₂;   C v = λ v,  ‖v‖ = 1
    z = X_c v₁  (scores on PC1)      X̂ = X_c v₁ v₁ᵀ + μ = z v₁ᵀ + μ      explained = λ₁ / (λ₁ + λ₂)
    residual Σ_i ‖x_i − x̂_i‖² = (n − 1) λ₂  (or n λ₂)
Shapes: X (n × 2), μ (2), C (2 × 2), z (n), X̂ (n × 2). Eigenvectors are unit length with their
first non-zero component positive; the opposite sign is accepted and carried forward.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, matrix
from problems.shared.clear_mistakes import distinct, this
from problems.shared.random_givens import pick
from problems.shared.statement_text import mat_g

NAME = "pca"
SUMMARY = "PCA on 2-D data: mean, covariance (n − 1 or n), eigenvalues/vectors, scores, X̂ = X_c v₁v₁ᵀ + μ, explained variance"
SECTIONS = ("9",)
VARIANTS: dict[str, str] = {}
STEPS = [
    StepSpec("mean", "Mean μ", "vector", 2, "(1/n) Σ x_i"),
    StepSpec("centered", "Centred data X − μ", "matrix", 2, "x_i − μ"),
    StepSpec("cov", "Covariance matrix C", "matrix", 3, "X_cᵀ X_c / (n − 1)"),
    StepSpec("eigvals", "Eigenvalues λ₁ ≥ λ₂", "vector", 3, "tr/2 ± √(tr²/4 − det)"),
    StepSpec("v1", "Unit eigenvector of λ₁ (first principal axis)", "vector", 3, "(C − λ₁I)v = 0, ‖v‖ = 1"),
    StepSpec("v2", "Unit eigenvector of λ₂", "vector", 3, "(C − λ₂I)v = 0, ‖v‖ = 1"),
    StepSpec("proj", "Scores on PC1", "vector", 3, "z = (X − μ) v₁"),
    StepSpec("recon", "Rank-1 reconstruction X̂", "matrix", 3, "z v₁ᵀ + μ"),
    StepSpec("explained", "Explained-variance ratio of PC1", "number", 3, "λ₁ / (λ₁ + λ₂)"),
    StepSpec("residual", "Squared reconstruction error", "number", 3, "Σ_i ‖x_i − x̂_i‖²"),
]
GIVENS = {"X": "data, one 2-D point per row (2–12 rows)", "divisor": "covariance divisor: n-1 (sample, default) or n"}
MISTAKES = {
    "divisor": "covariance divided by the other divisor (n instead of n − 1, or the reverse)",
    "not-centered": "covariance computed from X instead of the centred X − μ",
    "unnormalised": "eigenvector not normalised: (1, (λ − c₁₁)/c₁₂) instead of unit length",
    "proj-uncentered": "scores computed from X instead of X − μ",
    "eigenvalues-in-recon": "eigenvalue used in the reconstruction: X̂ = z λ₁ v₁ᵀ + μ instead of z v₁ᵀ + μ",
    "mean-not-added": "mean not added back: X̂ = z v₁ᵀ instead of z v₁ᵀ + μ",
    "explained-ratio": "explained variance given as λ₁/λ₂ instead of λ₁/(λ₁ + λ₂)",
}

_CLOSE = ("proj-uncentered", "eigenvalues-in-recon")  # the only ones that can land near the right value (μ·v₁ ≈ 0, λ₁ ≈ 1)


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Integer points with a clear first axis (λ₁ > λ₂ > 0, correlated coordinates)."""
    n = {"easy": 3, "exam": 4, "hard": 5}[difficulty]
    divisor = pick(rng, ["n-1", "n"]) if difficulty == "hard" else "n-1"
    while True:
        X = rng.integers(0, 7 if difficulty == "easy" else 9, size=(n, 2)).astype(float)
        C = np.cov(X.T)
        lam = np.linalg.eigvalsh(C)
        if abs(C[0, 1]) > 0.2 and lam[0] > 0.1 and lam[1] - lam[0] > 0.5:
            g = {"X": X.tolist(), "divisor": divisor}
            if distinct(this(__name__), g, _CLOSE):
                return g


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """At least 2 points in 2-D, not all equal; canonical lists."""
    X = matrix(givens, "X", rows=(2, 12), cols=(2, 2))
    if np.ptp(np.array(X), axis=0).max() == 0:
        raise GivenError("X", "the points must not all coincide")
    return {"X": X, "divisor": choice(givens, "divisor", ("n-1", "n"), default="n-1")}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    div = "n − 1" if g["divisor"] == "n-1" else "n"
    return (f"Run PCA on the {len(g['X'])} points X = {mat_g(g['X'])} (one per row), with covariance divisor {div}. "
            "Give the mean, the centred data, the covariance matrix, its eigenvalues (largest first) and unit "
            "eigenvectors, the scores on the first principal axis, the rank-1 reconstruction X̂, the explained-"
            "variance ratio of PC1 and the squared reconstruction error.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return [f"Covariance C = X_cᵀX_c / {'(n − 1)' if g['divisor'] == 'n-1' else 'n'}; eigenvalues largest first.",
            "Unit eigenvectors with the first non-zero component positive; the opposite sign is also an eigenvector: it "
            "is accepted (marked follow-through) and your scores are then checked with your sign.",
            "Reconstruction with PC1 only: X̂ = (X − μ) v₁ v₁ᵀ + μ (no eigenvalue in it)."]


def eigvec(C: np.ndarray, lam: float) -> np.ndarray:
    """A solution of (C − λI)v = 0 (not normalised): the larger of the two row-derived candidates."""
    a, b, c, d = C[0, 0], C[0, 1], C[1, 0], C[1, 1]
    cands = [np.array([b, lam - a]), np.array([lam - d, c])]
    v = max(cands, key=lambda u: float(u @ u))
    if not v.any():
        v = np.array([1.0, 0.0]) if abs(a - lam) <= abs(d - lam) else np.array([0.0, 1.0])
    return v


def canonical(v: np.ndarray) -> np.ndarray:
    """Unit length, first non-zero component positive."""
    v = v / np.linalg.norm(v)
    lead = v[np.flatnonzero(np.abs(v) > 1e-12)[0]]
    return v if lead > 0 else -v


def solve(g: dict[str, Any], work: Any) -> None:
    """Mean → centred data → covariance → eigen-pairs → scores → reconstruction → explained, residual."""
    X = np.array(g["X"], dtype=float)
    n = len(X)
    mu = work.put("mean", "Mean μ", X.mean(axis=0), "(1/n) Σ x_i")
    Xc = work.put("centered", "Centred data", X - mu, "X − μ", depends_on=("mean",))
    div = (n if g["divisor"] == "n-1" else n - 1) if work.mistake("divisor") else (n - 1 if g["divisor"] == "n-1" else n)
    base = X if work.mistake("not-centered") else Xc
    C = work.put("cov", "Covariance C", base.T @ base / div, f"X_cᵀX_c / {'(n − 1)' if g['divisor'] == 'n-1' else 'n'}",
                 f"divide by {div}", ("centered",))
    tr, det = C[0, 0] + C[1, 1], C[0, 0] * C[1, 1] - C[0, 1] * C[1, 0]
    disc = tr * tr / 4 - det
    if disc < 0:
        raise ValueError("complex eigenvalues: C is not a covariance matrix")
    lam = work.put("eigvals", "Eigenvalues", [tr / 2 + disc ** 0.5, tr / 2 - disc ** 0.5], "tr/2 ± √(tr²/4 − det)",
                   f"tr = {tr:.4g}, det = {det:.4g}", ("cov",))
    exact = [tr / 2 + disc ** 0.5, tr / 2 - disc ** 0.5]
    V = []
    for j, sid in enumerate(("v1", "v2")):
        raw = eigvec(C, exact[j])
        v = raw / raw[0] if work.mistake("unnormalised") and raw[0] else canonical(raw)
        own = getattr(work, "overrides", {}).get(sid)
        if own is not None and np.shape(own) == (2,) and float(np.dot(own, v)) < 0:
            v = -v  # the other sign is an eigenvector too: check the student's sign
        V.append(work.put(sid, f"Unit eigenvector of λ{'₁₂'[j]}", v, f"(C − λ{'₁₂'[j]}I)v = 0, ‖v‖ = 1", depends_on=("cov",)))
    z = work.put("proj", "Scores z = (X − μ) v₁", (X if work.mistake("proj-uncentered") else Xc) @ V[0], "(X − μ) v₁",
                 depends_on=("centered", "v1"))
    scale = lam[0] if work.mistake("eigenvalues-in-recon") else 1.0
    Xh = work.put("recon", "Reconstruction X̂", np.outer(z, V[0]) * scale + (0 if work.mistake("mean-not-added") else mu),
                  "z v₁ᵀ + μ", depends_on=("proj", "v1", "mean"))
    work.put("explained", "Explained-variance ratio", lam[0] / (lam[1] if work.mistake("explained-ratio") else lam[0] + lam[1]),
             "λ₁ / (λ₁ + λ₂)", depends_on=("eigvals",))
    work.put("residual", "Squared reconstruction error", float(((X - Xh) ** 2).sum()), "Σ_i ‖x_i − x̂_i‖²",
             depends_on=("recon",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): sklearn.decomposition.PCA (numpy.linalg.eigh without it),
    signs brought to the stated convention."""
    from problems.types._pca_crosscheck import pca_cross
    return pca_cross(g)


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0), "text"))
