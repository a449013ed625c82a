"""Adam's and RMSProp's second moments of small gradients are real numbers, not float noise:
with g = 1e-5, v = (1 − β₂)g² = 1e-13 and the update is ≈ η (not η·g/ε = 100·η, which zeroing
v gave). The key is checked against a direct NumPy computation and, where installed, torch.optim."""

from __future__ import annotations

import json
import math

import pytest

from tests.conftest import run_cli


def _key(opt: str, g: float, lr: float) -> dict[str, float]:
    out = run_cli("check", "optimizer", "--given", f"optimizer={opt}", "--given", "w0=[1.0]", "--given", f"grads=[[{g!r}]]",
                  "--given", f"lr={lr!r}", "--reveal", "--no-record", "--format", "json")
    assert out.returncode == 0, out.stderr
    return {s["id"]: s["expected"][0] for s in json.loads(out.stdout)["steps"]}


def _direct(opt: str, g: float, lr: float) -> dict[str, float]:
    if opt == "adam":
        m, v = 0.1 * g, 0.001 * g * g
        mhat, vhat = m / (1 - 0.9), v / (1 - 0.999)
        return {"v.1": v, "vhat.1": vhat, "w.1": 1.0 - lr * mhat / (math.sqrt(vhat) + 1e-8)}
    s = 0.1 * g * g
    return {"sqavg.1": s, "w.1": 1.0 - lr * g / (math.sqrt(s) + 1e-8)}


@pytest.mark.parametrize("opt", ["adam", "rmsprop"])
@pytest.mark.parametrize("g", [1e-5, -3e-6, 2e-7])
def test_small_gradients_keep_their_second_moments(opt, g):
    key, direct = _key(opt, g, 0.1), _direct(opt, g, 0.1)
    for step, value in direct.items():
        assert key[step] == pytest.approx(value, rel=1e-9), step
    torch = pytest.importorskip("torch")
    w = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([w], lr=0.1) if opt == "adam" else torch.optim.RMSprop([w], lr=0.1, alpha=0.9, eps=1e-8)
    w.grad = torch.tensor([g], dtype=torch.float64)
    optimizer.step()
    assert key["w.1"] == pytest.approx(w.item(), rel=1e-9)
