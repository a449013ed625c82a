"""conv variant output-size: ⌊(N − F + 2P)/S⌋ + 1, same and causal padding (SYLLABUS §5).

Equations::

    out = ⌊(N − F + 2P)/S⌋ + 1   (S ≥ 1)      P_same = (F − 1)/2 at S = 1      P_causal = F − 1 (left)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from problems.givens import GivenError
from problems.givens import integer
from problems.shared.random_givens import pick


def finish(span: Any, S: int, work: Any) -> Any:
    """⌊span/S⌋ + 1, or the floor / the + 1 left out when that mistake is replayed."""
    if work.mistake("floor-omitted"):
        return span / S + 1
    return span // S + (0 if work.mistake("plus-one-omitted") else 1)


def out_size(N: Any, F: int, P: int, S: int, work: Any) -> Any:
    """⌊(N − F + 2P)/S⌋ + 1 with the size mistakes switched on where they happen."""
    return finish(N - F + (P if work.mistake("padding-once") else 2 * P), S, work)


def stride(g: dict[str, Any]) -> int:
    """The stride S (default 1, at most 50); S = 0 is refused with the reason."""
    if g.get("S") in (0, 0.0, "0"):
        raise GivenError("S", "stride 0 is invalid: the window moves at least 1 pixel per step (S ≥ 1)")
    return integer(g, "S", 1, 50, default=1)


# --- output-size ------------------------------------------------------------------------------

def gen_size(rng: np.random.Generator, d: str) -> dict[str, Any]:
    """Input side N, odd kernel F, padding P, stride S; at hard the division never comes out even."""
    while True:
        F = pick(rng, [3, 5] if d == "easy" else [3, 5, 7])
        P = pick(rng, {"easy": [0, 1], "exam": [0, 1, 2], "hard": [1, 2, 3]}[d])
        S = pick(rng, {"easy": [1], "exam": [1, 2, 2], "hard": [2, 3]}[d])
        N = int(rng.integers(5 if d == "easy" else 7, 33 if d == "easy" else 65))
        if N - F + 2 * P >= 0 and (d != "hard" or (N - F + 2 * P) % S):
            return {"N": N, "F": F, "P": P, "S": S}


def val_size(g: dict[str, Any]) -> dict[str, Any]:
    """Check the givens of the output-size variant; return them in canonical form."""
    S = stride(g)
    N, F, P = integer(g, "N", 1, 4096), integer(g, "F", 1, 64), integer(g, "P", 0, 64, default=0)
    if N - F + 2 * P < 0:
        raise GivenError("F", f"the {F}×{F} kernel does not fit the padded input N + 2P = {N + 2 * P}")
    return {"N": N, "F": F, "P": P, "S": S}


def say_size(g: dict[str, Any]) -> str:
    """The exercise text of the output-size variant."""
    return (f"A convolution layer with a {g['F']}×{g['F']} kernel, padding P = {g['P']} and stride "
            f"S = {g['S']} is applied to an {g['N']}×{g['N']} input. Give N − F + 2P, the output side, "
            "the 'same' padding for stride 1 (odd F) and the left padding of a causal 1-D convolution.")


def solve_size(g: dict[str, Any], work: Any) -> None:
    """Every step of the output-size variant, each known mistake replayed where it happens."""
    N, F, P, S = g["N"], g["F"], g["P"], g["S"]
    span = N - F + (P if work.mistake("padding-once") else 2 * P)
    span = work.put("span", "Padded input minus kernel", span, "N − F + 2P")
    work.put("out", "Output side", finish(span, S, work), "⌊(N − F + 2P)/S⌋ + 1", depends_on=("span",),
             because=f"⌊{span}/{S}⌋ + 1")
    if F % 2:
        work.put("p-same", "'Same' padding at stride 1", F - 1 if work.mistake("same-total") else (F - 1) // 2,
                 "(F − 1)/2", because="keeps N at S = 1: N − F + 2P + 1 = N")
    work.put("p-causal", "Causal padding (left side only)", (F - 1) / 2 if work.mistake("causal-halved") else F - 1,
             "F − 1", because="output t sees inputs t − F + 1 … t only")


def cross_size(g: dict[str, Any], torch: Any) -> dict[str, Any]:
    """Independent values of the output-size variant (tests only): torch when ``torch`` is given, else NumPy."""
    N, F, P, S = g["N"], g["F"], g["P"], g["S"]
    if torch is not None:
        out = torch.nn.functional.conv2d(torch.zeros(1, 1, N, N), torch.zeros(1, 1, F, F), stride=S, padding=P).shape[-1]
        same = next(p for p in range(F) if torch.nn.functional.conv1d(torch.zeros(1, 1, N), torch.zeros(1, 1, F), padding=p).shape[-1] == N) if F % 2 else None
    else:
        out = len(range(0, N + 2 * P - F + 1, S))
        same = next(p for p in range(F) if len(range(N + 2 * p - F + 1)) == N) if F % 2 else None
    res = {"span": N + 2 * P - F, "out": out, "p-causal": len(range(1, F))}
    return res | ({"p-same": same} if same is not None else {})


