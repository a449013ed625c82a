"""Topic ``vae``: the KL closed form and its gradients against SciPy and torch; the notes' forms shown wrong."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derive.analytic import vae as V
from derive.functions import lambdify
from derive.topics import vae as topic


@pytest.fixture(scope="module")
def results():
    return {k: v[0] for k, v in V.script().results.items()}


def _kl_by_quadrature(mu, sd):
    from scipy import integrate, stats

    def f(x):
        lq = stats.norm.logpdf(x, mu, sd)
        return math.exp(lq) * (lq - stats.norm.logpdf(x))
    return integrate.quad(f, mu - 40 * sd, mu + 40 * sd, points=[mu], limit=200, epsabs=1e-13)[0]


@pytest.mark.parametrize("mu, logvar", [(0.0, 0.0), (1.3, -0.7), (-0.4, 1.1), (2.0, -2.5)])
def test_kl_closed_form_equals_the_integral(results, mu, logvar):
    kl = float(lambdify([V.mu, V.logvar], results["KL_j"])(mu, logvar))
    assert kl == pytest.approx(_kl_by_quadrature(mu, math.exp(logvar / 2)), abs=1e-10)
    assert kl >= 0


def test_kl_and_reparameterization_gradients_match_torch(results):
    torch = pytest.importorskip("torch")
    from torch.distributions import Normal, kl_divergence
    rng = np.random.default_rng(0)
    mu, lv, eps, c = (rng.normal(size=4) for _ in range(4))
    m, l = torch.tensor(mu, requires_grad=True), torch.tensor(lv, requires_grad=True)
    kl_divergence(Normal(m, torch.exp(0.5 * l)), Normal(torch.zeros(4, dtype=torch.float64), torch.ones(4, dtype=torch.float64))).sum().backward()
    args = [V.mu, V.logvar, V.eps]
    assert np.allclose(lambdify(args, results["dKL_dmu"])(mu, lv, eps), m.grad.numpy(), atol=1e-14)
    assert np.allclose(lambdify(args, results["dKL_dlogvar"])(mu, lv, eps), l.grad.numpy(), atol=1e-14)
    m, l = torch.tensor(mu, requires_grad=True), torch.tensor(lv, requires_grad=True)
    (torch.tensor(c) * (m + torch.exp(0.5 * l) * torch.tensor(eps))).sum().backward()
    assert np.allclose(c * lambdify(args, results["dz_dmu"])(mu, lv, eps), m.grad.numpy(), atol=1e-14)
    assert np.allclose(c * lambdify(args, results["dz_dlogvar"])(mu, lv, eps), l.grad.numpy(), atol=1e-14)


def test_every_line_of_the_kl_chain_shows_the_same_value():
    d = topic.derive({}, {"mu": 0.7, "logvar": -0.4}, 0)
    values = {s.id: s.value for s in d.steps}
    chain = ["kl.def", "kl.sub", "kl.std", "kl.linear", "kl.moments", "kl.closed", "kl.course", "kl.logvar"]
    expected = _kl_by_quadrature(0.7, math.exp(-0.2))
    for step in chain:
        assert values[step] == pytest.approx(expected, abs=1e-9), step


def test_the_notes_forms_are_wrong_in_the_ways_stated():
    d = topic.derive({}, None, None)
    values = {s.id: s.value for s in d.steps}
    s = 1 / math.sqrt(2)  # minimiser of σ² − log σ − 1
    assert values["notes1.neg"] == pytest.approx(s * s - math.log(s) - 1) and values["notes1.neg"] < 0
    assert values["notes1.true"] == pytest.approx(_kl_by_quadrature(0.0, s)) and values["notes1.true"] > 0
    assert values["notes2.at"] == pytest.approx(-_kl_by_quadrature(1.0, 1.0))


def test_reparameterization_steps():
    d = topic.derive({}, {"mu": 0.5, "logvar": math.log(4.0), "epsilon": -1.5}, 0)
    values = {s.id: s.value for s in d.steps}
    assert values["rep.z"] == pytest.approx(0.5 + 2.0 * -1.5)
    assert values["rep.dmu"] == 1 and values["rep.dsigma"] == pytest.approx(-1.5)
    assert values["rep.dlogvar"] == pytest.approx(0.5 * 2.0 * -1.5)
    assert values["rep.pathwise.value"] == values["rep.grad"] == pytest.approx(1.0)


def test_verify_passes():
    result = topic.verify({}, 0, "numpy", 2)
    assert result.passed
    methods = " ".join(c.method for c in result.checks)
    assert "Monte Carlo" in methods and "quad" in methods
