"""Topic ``gan``: D*, V(D*, G) = −log 4 + 2·JSD and the losses' gradients, each against an independent computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derive.analytic import gan as G
from derive.functions import lambdify
from derive.topics import gan as topic


@pytest.fixture(scope="module")
def results():
    return {k: v[0] for k, v in G.script().results.items()}


@pytest.mark.parametrize("a, b", [(0.3, 0.1), (1.0, 1.0), (0.02, 1.7)])
def test_optimal_discriminator_maximises_the_pointwise_objective(results, a, b):
    from scipy import optimize
    dstar = float(results["D_star"].subs({G.pd(G.x): a, G.pg(G.x): b}))
    best = optimize.minimize_scalar(lambda y: -(a * math.log(y) + b * math.log(1 - y)), bounds=(1e-9, 1 - 1e-9),
                                    method="bounded", options={"xatol": 1e-12})
    assert dstar == pytest.approx(best.x, abs=1e-7)


def test_value_at_the_optimum_is_minus_log4_plus_twice_the_jsd():
    from scipy.spatial.distance import jensenshannon
    mean, sd = 0.8, 1.3
    d = topic.derive({}, {"mu_g": mean, "sigma_g": sd}, 0)
    values = {s.id: s.value for s in d.steps}
    grid = np.arange(-25, 25, 1e-3)
    p = np.exp(-grid ** 2 / 2)
    q = np.exp(-((grid - mean) / sd) ** 2 / 2)
    expected = -math.log(4) + 2 * jensenshannon(p, q) ** 2
    for step in ("gan.sub", "gan.m", "gan.split", "gan.kl", "gan.jsd"):
        assert values[step] == pytest.approx(expected, abs=1e-8), step
    assert values["gan.optimum"] == 0.5


def test_loss_gradients_match_torch(results):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    s = np.array([-2.0, -0.3, 0.4, 3.0])
    args = [G.s_r, G.s_f]
    for key, loss in (("dLD_ds_real", lambda t: F.binary_cross_entropy_with_logits(t, torch.ones_like(t), reduction="sum")),
                      ("dLD_ds_fake", lambda t: F.binary_cross_entropy_with_logits(t, torch.zeros_like(t), reduction="sum")),
                      ("dLG_sat_ds_fake", lambda t: torch.log(1 - torch.sigmoid(t)).sum()),
                      ("dLG_ns_ds_fake", lambda t: -torch.log(torch.sigmoid(t)).sum())):
        t = torch.tensor(s, requires_grad=True)
        loss(t).backward()
        assert np.allclose(lambdify(args, results[key])(s, s), t.grad.numpy(), atol=1e-14), key


def test_saturation_numbers_match_autograd():
    torch = pytest.importorskip("torch")
    d = topic.derive({}, None, None)
    values = {s.id: s.value for s in d.steps}
    for p in (0.001, 0.01, 0.1):
        logit = torch.tensor(math.log(p / (1 - p)), dtype=torch.float64, requires_grad=True)
        torch.log(1 - torch.sigmoid(logit)).backward()
        assert values[f"gan.sat.{p:g}"] == pytest.approx(float(logit.grad), rel=1e-12)
        logit.grad = None
        (-torch.log(torch.sigmoid(logit))).backward()
        assert values[f"gan.ns.{p:g}"] == pytest.approx(float(logit.grad), rel=1e-12)
        assert abs(values[f"gan.ns.{p:g}"]) > 8 * abs(values[f"gan.sat.{p:g}"])


def test_verify_passes():
    result = topic.verify({}, 0, "numpy", 2)
    assert result.passed
    assert any(c.parameter.startswith("V(D*, G)") for c in result.checks)
